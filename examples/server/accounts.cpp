// user add, key add|list|revoke.
#include "commands.hpp"
#include "store_choice.hpp"

#include <netflix_charges/errors.hpp>
#include <netflix_charges/jwt_authenticator.hpp>

#include <iostream>

namespace sample_server {

namespace nc = netflix_charges;

namespace {

std::string read_password()
{
    std::string password;
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
    return password;
}

std::string format_optional(const std::optional<nc::timestamp>& t) { return t ? nc::format_timestamp(*t) : "-"; }

}  // namespace

int user_add(const std::string& db, const std::string& org, const std::string& user, const std::string& unit)
{
    opened_store store{db};
    nc::jwt_authenticator auth{store.credentials()};
    auth.add_user(nc::operator_id{org}, user, unit, read_password());
    std::cout << "added user " << user << " of " << org << '\n';
    return 0;
}

int key_add(const std::string& db, const std::string& org, const std::string& unit)
{
    opened_store store{db};
    nc::jwt_authenticator auth{store.credentials()};
    const auto key = auth.create_api_key(nc::operator_id{org}, unit);
    std::cout << "key id: " << key.key_id << "\n"
              << "key:    " << key.key << "\n"
              << "The key is shown only now; keep it in the billing system's secrets.\n";
    return 0;
}

int key_list(const std::string& db, const std::string& org)
{
    opened_store store{db};
    nc::jwt_authenticator auth{store.credentials()};
    std::cout << "key id            unit      created              revoked\n";
    for (const auto& key : auth.api_keys(nc::operator_id{org}))
        std::cout << key.key_id << "  " << (key.unit.empty() ? "-" : key.unit) << "  "
                  << nc::format_timestamp(key.created_on) << "  " << format_optional(key.revoked_on) << '\n';
    return 0;
}

int key_revoke(const std::string& db, const std::string& org, const std::string& key_id)
{
    opened_store store{db};
    nc::jwt_authenticator auth{store.credentials()};
    if (!auth.revoke_api_key(nc::operator_id{org}, key_id)) {
        std::cerr << "netflix-charges: " << org << " has no key " << key_id << '\n';
        return 1;
    }
    std::cout << "revoked key " << key_id << '\n';
    return 0;
}

}  // namespace sample_server
