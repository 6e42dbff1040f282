#pragma once

// A self-signed certificate for 127.0.0.1 made by the openssl command, for tests of the server's TLS.

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace test_support {

// Writes a P-256 key to `key` and a certificate valid for a day, for IP 127.0.0.1 with `name`
// as its subject's common name, to `cert`.
inline void make_certificate(const std::string& cert, const std::string& key, const std::string& name = "localhost")
{
    const auto command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=" +
                         name + " -addext subjectAltName=IP:127.0.0.1 -keyout " + key + " -out " + cert + " 2>/dev/null";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("openssl could not make a certificate");
}

}  // namespace test_support
