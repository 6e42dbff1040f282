#pragma once

#include <netflix_charges/http/export.hpp>
#include <netflix_charges/http/handler.hpp>
#include <netflix_charges/log.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace netflix_charges::http {

struct server_options {
    std::string address = "127.0.0.1";
    unsigned short port = 8080;  // 0: a free port, see server::port()
    std::size_t threads = 2;
    // 50 items of the longest allowed strings take about 25 KiB as JSON: 64 KiB is ample, and
    // far below Beast's 1 MB default.
    std::size_t body_limit = 64 * 1024;
    std::size_t header_limit = 16 * 1024;
    std::chrono::milliseconds idle_timeout{30000};  // a kept-alive connection waiting for a request
    std::chrono::milliseconds read_timeout{10000};  // a started request must arrive whole in this time
    std::chrono::milliseconds write_timeout{10000};
    std::size_t max_connections = 512;               // more are answered 503 and closed
    std::size_t max_requests_per_connection = 1000;  // then the connection is closed after its answer
    // Password logins (a PBKDF2 hash each, about 0.3 s of a core) run on threads of their own,
    // so that a flood of them never holds the threads that serve everything else; at most
    // `password_check_queue` wait for one, and a login beyond them is answered 503 SERVER_BUSY
    // at once. 0 threads: half the hardware threads, at least 1.
    std::size_t password_check_threads = 0;
    std::size_t password_check_queue = 32;
    // Calls that change charges (acknowledge, accept, decline) run on threads of their own too:
    // one that waits for its commit's fsync never holds a thread that serves everything else,
    // and writes in flight together can share one commit (the SQLite store's group commit).
    // This many can be in the store at once (0 counts as 1); more wait for a thread, at most one
    // per connection, as a connection sends its next request only once answered.
    std::size_t write_threads = 16;
    // TLS: a PEM certificate chain and its private key; both empty, plain HTTP. TLS 1.2 and 1.3
    // only, forward-secret AEAD ciphers; the handshake is under the read timeout.
    std::string tls_certificate_file;
    std::string tls_private_key_file;
    log_sink log;
};

// The HTTP server, over TLS when given a certificate: Boost.Beast, asynchronous, a thread pool and
// a strand per connection. It only moves bytes; every answer comes from the handler.
//
// **Example**:
//   netflix_charges::http::server srv{api, {}};   // listening on 127.0.0.1:8080
//   srv.run_until_signal();                        // SIGINT/SIGTERM: graceful stop
class NETFLIX_CHARGES_HTTP_EXPORT server {
public:
    // Binds and listens at once, and reads the TLS files when given; throws when it cannot
    // (std::system_error, or std::runtime_error for TLS files that do not match). Neither the handler
    // nor anything it uses is owned.
    server(const handler& api, server_options options);
    ~server();  // stops and waits
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    unsigned short port() const;

    // Serves on `threads` threads until stop(); returns once every in-flight request has been
    // answered and every connection is closed.
    void run();

    // Graceful stop, from any thread: stop accepting, let requests in flight (being received,
    // handled or answered) finish with `Connection: close`, close idle connections.
    void stop();

    // Reads the TLS certificate and key files again, for the connections made from now on;
    // those open keep theirs. Throws, keeping the ones in use, when they cannot be read or do
    // not match. Nothing without TLS.
    void reload_tls();

    // run(), stopping on SIGINT or SIGTERM; on SIGHUP, reload_tls() (a failure is logged).
    void run_until_signal();

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace netflix_charges::http
