#pragma once

// Salted, slow password hashes: PBKDF2-HMAC-SHA256, stored as
// `pbkdf2-sha256$<iterations>$<salt, base64url>$<hash, base64url>`.

#include <string>
#include <string_view>

namespace netflix_charges::password_hash {

std::string make(std::string_view password, int iterations);

// Constant-time comparison. A malformed stored hash never verifies.
bool verify(std::string_view password, std::string_view stored);

// Does the work of one verification against nothing, so that an unknown user takes as long
// as a wrong password.
void waste_time_like(int iterations);

}  // namespace netflix_charges::password_hash
