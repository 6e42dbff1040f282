#pragma once

// The sample server's commands, each a function of its parsed options. Each returns the
// process exit code; a bad argument throws netflix_charges::error (exit code 2).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace sample_server {

struct serve_options {
    std::string db = "netflix-charges.db";  // or a postgresql:// URL
    std::string listen = "127.0.0.1:8080";
    std::size_t threads = 2;
    bool demo = false;
    bool strict_errors = false;
    std::string base_path = "/crmapi/rest/v2/";
    std::string token_secret;  // empty: generated once and kept in the database
    std::string client_address_header;  // behind a proxy: where it gives the client's address
    std::string tls_certificate;  // PEM chain; with tls_key: HTTPS (reloaded on SIGHUP)
    std::string tls_key;
};

int serve(const serve_options& options);
int user_add(const std::string& db, const std::string& org, const std::string& user, const std::string& unit);
int key_add(const std::string& db, const std::string& org, const std::string& unit);
int key_list(const std::string& db, const std::string& org);
int key_revoke(const std::string& db, const std::string& org, const std::string& key_id);
int import_file(const std::string& db, const std::string& org, const std::string& file);
int journal_print(const std::string& db, const std::string& org, std::int64_t after, std::optional<std::size_t> limit);
int journal_prune(const std::string& db, const std::string& before);
int report(const std::string& db, const std::string& org, const std::string& from, const std::string& to, bool detail);
int backup(const std::string& db, const std::string& to);

}  // namespace sample_server
