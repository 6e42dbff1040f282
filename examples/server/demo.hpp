#pragma once

// `serve --demo`: a demo operator, user and charges in every status, and a curl walkthrough.

#include <netflix_charges/credential_store.hpp>
#include <netflix_charges/jwt_authenticator.hpp>
#include <netflix_charges/service.hpp>

#include <string>

namespace sample_server {

inline constexpr const char* demo_operator = "demo";
inline constexpr const char* demo_user = "demo";
inline constexpr const char* demo_password = "demo-password";  // a demo on loopback, printed for all to see

// Adds the demo data unless the demo user exists already.
void fill_demo_data(netflix_charges::credential_store& store, netflix_charges::charges_service& service,
                    netflix_charges::jwt_authenticator& auth);

void print_walkthrough(const std::string& host, unsigned short port, const std::string& base_path);

}  // namespace sample_server
