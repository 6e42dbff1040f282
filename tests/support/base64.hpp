#pragma once

// Base64 (RFC 4648, with padding) with OpenSSL, for tests that write HTTP Basic credentials and
// tokens as clients do.

#include <openssl/evp.h>

#include <string>

namespace test_support {

inline std::string base64(const std::string& text)
{
    std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

}  // namespace test_support
