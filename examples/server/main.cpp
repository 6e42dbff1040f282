// netflix-charges: the sample server and its administration commands, on a SQLite database.
//   netflix-charges serve [--db FILE] [--listen HOST:PORT] [--threads N] [--demo] [--tls-cert FILE --tls-key FILE]
//   netflix-charges user add --db FILE --org ORG --user NAME [--unit UNIT]   (password on stdin)
//   netflix-charges key add|list|revoke --db FILE --org ORG ...
//   netflix-charges import --db FILE --org ORG [FILE|-]
//   netflix-charges journal --db FILE --org ORG [--after SEQUENCE] [--limit N]
//   netflix-charges journal --db FILE --prune-before YYYY-MM-DD
//   netflix-charges report --db FILE --org ORG --from YYYY-MM-DD --to YYYY-MM-DD [--detail]
//   netflix-charges backup --db FILE --to FILE
#include "commands.hpp"

#include <netflix_charges/errors.hpp>

#include <CLI/CLI.hpp>

#include <cstdint>
#include <iostream>
#include <optional>

int main(int argc, char** argv)
{
    CLI::App app{"netflix-charges: the CRM.COM Netflix charges API on a SQLite database"};
    app.require_subcommand(1);
    std::string db = "netflix-charges.db";
    std::string org;
    std::string unit;

    sample_server::serve_options serve;
    auto* serve_cmd = app.add_subcommand("serve", "Serve the HTTP API");
    serve_cmd->add_option("--db", serve.db, "SQLite database file, or a postgresql:// URL")->envname("NETFLIX_CHARGES_DB")->capture_default_str();
    serve_cmd->add_option("--listen", serve.listen, "Address and port, HOST:PORT")
        ->envname("NETFLIX_CHARGES_LISTEN")
        ->capture_default_str();
    serve_cmd->add_option("--threads", serve.threads, "Worker threads")
        ->envname("NETFLIX_CHARGES_THREADS")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    serve_cmd->add_flag("--demo", serve.demo, "Fill an empty database with demo data and print a walkthrough")
        ->envname("NETFLIX_CHARGES_DEMO");
    serve_cmd->add_flag("--strict-errors", serve.strict_errors,
                        "Answer request errors with 4xx/5xx instead of HTTP 200 (CRM.COM compatible)")
        ->envname("NETFLIX_CHARGES_STRICT_ERRORS");
    serve_cmd->add_option("--base-path", serve.base_path, "Base path of the API")
        ->envname("NETFLIX_CHARGES_BASE_PATH")
        ->capture_default_str();
    auto* tls_cert = serve_cmd->add_option("--tls-cert", serve.tls_certificate,
                                           "HTTPS: the certificate chain, PEM (reloaded with the key on SIGHUP)")
                         ->envname("NETFLIX_CHARGES_TLS_CERT")
                         ->check(CLI::ExistingFile);
    auto* tls_key = serve_cmd->add_option("--tls-key", serve.tls_key, "HTTPS: the certificate's private key, PEM")
                        ->envname("NETFLIX_CHARGES_TLS_KEY")
                        ->check(CLI::ExistingFile);
    tls_cert->needs(tls_key);
    tls_key->needs(tls_cert);
    serve_cmd->add_option("--client-address-header", serve.client_address_header,
                          "Behind a reverse proxy only: the header it puts the client's address in (X-Forwarded-For)")
        ->envname("NETFLIX_CHARGES_CLIENT_ADDRESS_HEADER");
    serve_cmd->add_option("--token-secret", serve.token_secret,
                          "Token signing secret, 32 bytes or more (default: generated, kept in the database)")
        ->envname("NETFLIX_CHARGES_TOKEN_SECRET");

    auto* user_cmd = app.add_subcommand("user", "Manage users")->require_subcommand(1);
    auto* user_add_cmd = user_cmd->add_subcommand("add", "Add a user; the password is read from standard input");
    std::string user;
    user_add_cmd->add_option("--db", db, "SQLite database file, or a postgresql:// URL")->envname("NETFLIX_CHARGES_DB")->required();
    user_add_cmd->add_option("--org", org, "Operator (organisation)")->required();
    user_add_cmd->add_option("--user", user, "User name")->required();
    user_add_cmd->add_option("--unit", unit, "Organisational unit");

    auto* key_cmd = app.add_subcommand("key", "Manage Web API keys")->require_subcommand(1);
    auto* key_add_cmd = key_cmd->add_subcommand("add", "Make a Web API key; it is printed once");
    auto* key_list_cmd = key_cmd->add_subcommand("list", "List an operator's keys (never the keys themselves)");
    auto* key_revoke_cmd = key_cmd->add_subcommand("revoke", "Revoke a key");
    std::string key_id;
    for (auto* cmd : {key_add_cmd, key_list_cmd, key_revoke_cmd}) {
        cmd->add_option("--db", db, "SQLite database file, or a postgresql:// URL")->envname("NETFLIX_CHARGES_DB")->required();
        cmd->add_option("--org", org, "Operator (organisation)")->required();
    }
    key_add_cmd->add_option("--unit", unit, "Organisational unit");
    key_revoke_cmd->add_option("--key-id", key_id, "The key's id, as `key list` shows it")->required();

    auto* import_cmd = app.add_subcommand("import", "Import charges from JSON Lines, all or nothing");
    std::string file = "-";
    import_cmd->add_option("--db", db, "SQLite database file, or a postgresql:// URL")->envname("NETFLIX_CHARGES_DB")->required();
    import_cmd->add_option("--org", org, "Operator (organisation)")->required();
    import_cmd->add_option("file", file, "JSON Lines file, or - for standard input")->capture_default_str();

    auto* journal_cmd = app.add_subcommand("journal", "Print an operator's journal as JSON Lines, or prune old entries");
    std::int64_t after = 0;
    std::optional<std::size_t> limit;
    std::string prune_before;
    journal_cmd->add_option("--db", db, "SQLite database file, or a postgresql:// URL")->envname("NETFLIX_CHARGES_DB")->required();
    auto* journal_org = journal_cmd->add_option("--org", org, "Operator (organisation)");
    auto* journal_after = journal_cmd->add_option("--after", after, "Print the entries after this sequence number")
                              ->capture_default_str()
                              ->check(CLI::NonNegativeNumber);
    auto* journal_limit = journal_cmd->add_option("--limit", limit, "Print at most N entries (default: all)")
                              ->check(CLI::PositiveNumber);
    auto* journal_prune = journal_cmd->add_option("--prune-before", prune_before,
                                                  "Remove every operator's entries made before this day (UTC), "
                                                  "instead of printing; charges are untouched");
    journal_prune->excludes(journal_org)->excludes(journal_after)->excludes(journal_limit);

    auto* report_cmd = app.add_subcommand("report", "Print an operator's charges received in a period, as CSV");
    std::string from;
    std::string to;
    bool detail = false;
    report_cmd->add_option("--db", db, "SQLite database file, or a postgresql:// URL")->envname("NETFLIX_CHARGES_DB")->required();
    report_cmd->add_option("--org", org, "Operator (organisation)")->required();
    report_cmd->add_option("--from", from, "First day, YYYY-MM-DD (UTC)")->required();
    report_cmd->add_option("--to", to, "Last day, YYYY-MM-DD (UTC), included")->required();
    report_cmd->add_flag("--detail", detail, "One line per charge instead of totals by status and currency");

    std::string backup_to;
    auto* backup_cmd = app.add_subcommand("backup", "Copy a live SQLite database, consistent and checked, while it serves");
    backup_cmd->add_option("--db", db, "SQLite database file")->envname("NETFLIX_CHARGES_DB")->required();
    backup_cmd->add_option("--to", backup_to, "The copy: a new file")->required();

    CLI11_PARSE(app, argc, argv);
    if (*journal_cmd && journal_prune->count() == 0 && journal_org->count() == 0) {
        std::cerr << "netflix-charges journal: --org is required (or --prune-before)\n";
        return 2;
    }

    try {
        if (*serve_cmd) return sample_server::serve(serve);
        if (*user_add_cmd) return sample_server::user_add(db, org, user, unit);
        if (*key_add_cmd) return sample_server::key_add(db, org, unit);
        if (*key_list_cmd) return sample_server::key_list(db, org);
        if (*key_revoke_cmd) return sample_server::key_revoke(db, org, key_id);
        if (*import_cmd) return sample_server::import_file(db, org, file);
        if (*journal_cmd && journal_prune->count() > 0) return sample_server::journal_prune(db, prune_before);
        if (*journal_cmd) return sample_server::journal_print(db, org, after, limit);
        if (*report_cmd) return sample_server::report(db, org, from, to, detail);
        if (*backup_cmd) return sample_server::backup(db, backup_to);
    } catch (const netflix_charges::error& e) {
        std::cerr << "netflix-charges: " << e.what() << '\n';
        return e.code_value() == netflix_charges::errc::storage_failure ? 1 : 2;
    } catch (const std::exception& e) {
        std::cerr << "netflix-charges: " << e.what() << '\n';
        return 1;
    }
    return 2;
}
