// Fuzz target: raw HTTP request bytes through Beast's parser (the server's limits) into the
// handler, on fresh in-memory stores with a few charges. "{T}" in the input becomes a valid
// token, so the authenticated paths are reached. Invariants: every answer but /metrics is a
// JSON envelope {"data": {...}, "status": {"code", "description", "message"}} with a status code
// the contract knows.
#include "fuzz_support.hpp"

#include <netflix_charges/http/handler.hpp>
#include <netflix_charges/netflix_charges.hpp>

#include "beast_request.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/json/parse.hpp>

#include <cstdint>
#include <cstdio>

namespace nc = netflix_charges;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text = fuzz_support::with_token(std::string{reinterpret_cast<const char*>(data), size});

    boost::beast::http::request_parser<boost::beast::http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(64 * 1024);
    parser.eager(true);
    boost::beast::error_code ec;
    const auto used = parser.put(boost::asio::buffer(text), ec);
    if (!ec && !parser.is_done() && used == text.size()) parser.put_eof(ec);
    if (ec || !parser.is_done()) return 0;
    // A request of uncertain length is refused by the server before the handler sees it.
    if (const auto problem = nc::http::detail::ambiguous_length(parser.get())) {
        fuzz_support::require(!problem->empty(), "a refusal says why");
        return 0;
    }

    nc::memory_store credentials;
    fuzz_support::add_billing_user(credentials);
    nc::jwt_authenticator auth{credentials, fuzz_support::options(), fuzz_support::fixed_time()};
    nc::memory_store charges;
    nc::charges_service service{charges, fuzz_support::fixed_time()};
    const nc::operator_id op{"ps_dev"};
    for (const auto& c : nc::sample_charges(0, 4, nc::testing::at("2026-02-01T00:00:00"))) service.issue(op, c);
    service.record_outcome(op, nc::sample_charge_number(3), nc::charge_status::declined);

    nc::http::handler_options options;
    options.errors = size % 2 == 0 ? nc::http::error_mode::compatible : nc::http::error_mode::strict;
    const nc::http::handler api{service, auth, options};
    const auto answer = api(nc::http::detail::to_request(parser.get()));

    fuzz_support::require(answer.status >= 200 && answer.status < 600, "an HTTP status");
    if (answer.header("Content-Type") != nullptr && *answer.header("Content-Type") != "application/json") return 0;
    boost::json::error_code json_ec;
    const auto body = boost::json::parse(answer.body, json_ec);
    if (json_ec) std::fprintf(stderr, "status %d, body: %s\n", answer.status, answer.body.c_str());
    fuzz_support::require(!json_ec && body.is_object(), "the answer is a JSON object");
    const auto& envelope = body.as_object();
    fuzz_support::require(envelope.contains("data") && envelope.at("data").is_object(), "an object in data");
    fuzz_support::require(envelope.contains("status") && envelope.at("status").is_object(), "an object in status");
    const auto& status = envelope.at("status").as_object();
    for (const char* field : {"code", "description", "message"})
        fuzz_support::require(status.contains(field) && status.at(field).is_string(), "status fields are strings");
    if (status.at("code").as_string() != "OK")
        fuzz_support::require(!status.at("message").as_string().empty(), "an error has a message");
    return 0;
}
