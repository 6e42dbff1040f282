#pragma once

#include <netflix_charges/http/export.hpp>
#include <netflix_charges/authenticator.hpp>
#include <netflix_charges/log.hpp>
#include <netflix_charges/login_throttle.hpp>
#include <netflix_charges/service.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace netflix_charges::http {

// An HTTP request as the handler sees it: no Beast or Boost type, so a test builds one in a line.
struct NETFLIX_CHARGES_HTTP_EXPORT request {
    std::string method;  // "GET", "POST", ...
    std::string target;  // path and query: "/crmapi/rest/v2/netflix/charges/list?token=..."
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string peer_address = {};  // the connection's other end ("192.0.2.7"), as the server saw it; may be empty

    // The first header of that name (case-insensitive), or nothing.
    const std::string* header(std::string_view name) const;
};

struct NETFLIX_CHARGES_HTTP_EXPORT response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;  // Content-Type is always set
    std::string body;                                          // always the JSON envelope, but /metrics

    const std::string* header(std::string_view name) const;
};

// How errors that reached an API route are answered (SPEC section 2, request-level errors).
enum class error_mode {
    compatible,  // HTTP 200 with the error in the envelope, as CRM.COM clients expect (default)
    strict,      // 400, 401, 409, 500 or 503 with the same envelope
};

struct handler_options {
    std::string base_path = "/crmapi/rest/v2/";  // CRM.COM's REST base path
    error_mode errors = error_mode::compatible;
    std::function<bool()> ready;  // for /readyz: is the store reachable? (always ready when empty)
    log_sink log;                 // access log and faults; never a token, password or key
    // Repeated wrong passwords from one address, for one user or for any, must wait (429
    // TOO_MANY_FAILED_LOGINS with Retry-After, in both error modes) before they are checked.
    login_throttle_options login_throttle;
    // Behind a reverse proxy every connection comes from the proxy: name the header in which
    // it gives the client's address (as "X-Forwarded-For"), and its last address is the
    // client's. Only when every request comes through that proxy, as a client can send the
    // header too. Empty: the connection's peer.
    std::string client_address_header;
};

// Every route, in one readable table: the methods and paths the handler answers, for
// documentation and the test that the OpenAPI file matches. Paths are relative to the base
// path, except those starting with '/'.
struct route_info {
    std::string method;
    std::string path;
};
NETFLIX_CHARGES_HTTP_EXPORT std::vector<route_info> routes();

// The CRM.COM Netflix charges Web API as a plain function from a request to a response. All
// routing, JSON mapping and error mapping lives here; the server only moves bytes. Thread-safe.
//
// **Example**:
//   netflix_charges::http::handler api{service, auth};
//   auto answer = api({"GET", "/healthz", {}, {}});   // answer.status == 200
class NETFLIX_CHARGES_HTTP_EXPORT handler {
public:
    // Neither the service nor the authenticator is owned.
    handler(charges_service& service, authenticator& auth, handler_options options = {});
    ~handler();
    handler(const handler&) = delete;
    handler& operator=(const handler&) = delete;

    response operator()(const request& r) const;

    // What answering a request takes, for a server to choose the threads it runs on.
    enum class work {
        quick,           // everything else: microseconds of a core
        password_check,  // a password login: one PBKDF2 hash, about 0.3 s of a core
        charge_write,    // acknowledge, accept, decline: a write that waits for its commit's fsync
    };
    work work_of(const request& r) const;

    // The answer for an error found before a route was reached (by the server: 400, 408, 413,
    // 431, 503), as the JSON envelope; `message` says what was wrong with this request (the
    // status's usual words when empty).
    static response transport_error(int status, std::string_view message = {});

private:
    friend NETFLIX_CHARGES_HTTP_EXPORT std::vector<route_info> routes();

    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace netflix_charges::http
