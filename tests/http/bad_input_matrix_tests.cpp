// The bad-input matrix: every route, fed what a broken or hostile client sends, over a real
// socket to a server on a real SQLite file. For each case: the exact HTTP status (in strict and
// in compatible mode), a well-formed envelope with the expected status code, and the database
// unchanged, compared as a dump of every table before and after. And the same matrix on the
// server's TLS port: TLS changes how the bytes travel, never how the request is read.
#include "http_fixture.hpp"

#include "raw_http_client.hpp"
#include "replace_all.hpp"
#include "running_server.hpp"
#include "temporary_directory.hpp"
#include "test_certificate.hpp"
#include "tls_raw_client.hpp"

#include <netflix_charges/sqlite_store.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <algorithm>

using namespace http_tests;
using test_support::post_request;
using test_support::raw_connection;
using test_support::replace_all;

namespace {

// One case. In `request`, {T} is a valid token of operator ps_dev and {O} one of "other".
struct bad_input {
    const char* name;
    std::string request;
    int strict_status;
    int compatible_status;
    const char* code;     // the envelope's status.code
    bool closes = false;  // the server must close the connection after its answer, serving nothing more
};

std::string post(const std::string& path, const std::string& body, const std::string& type = "application/json")
{
    return "POST " + base + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" +
           (type.empty() ? "" : "Content-Type: " + type + "\r\n") + "Content-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
}

std::string get(const std::string& path_and_query)
{
    return "GET " + base + path_and_query + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
}

std::string raw(const std::string& method, const std::string& target, const std::string& headers = "")
{
    return method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + headers + "\r\n";
}

// A request whose length a server and a proxy in front of it could read differently, on a
// kept-alive connection: `framing` are its length headers, and its body is a second request
// (an acknowledge that would change the database) that must never be served.
std::string smuggling(const std::string& framing, const std::string& version = "HTTP/1.1")
{
    const std::string smuggled = post_request(base + "netflix/charges/acknowledge",
                                              R"({"token":"{T}","acknowledged_charges_set":[{"number":"P1","billing_system_customer_identifier":"c1"}]})");
    return "POST " + base + "netflix/charges/decline " + version + "\r\nHost: localhost\r\nConnection: keep-alive\r\n" +
           framing + "\r\n" + smuggled;
}

// A refused request, and a good acknowledge pipelined right after it on the same connection.
std::string refused_then(const std::string& refused)
{
    return refused + post_request(base + "netflix/charges/acknowledge",
                                  R"({"token":"{T}","acknowledged_charges_set":[{"number":"P1","billing_system_customer_identifier":"c1"}]})");
}

const std::string list = "netflix/charges/list?";
const std::string ok_list = "number_of_results=50&charge_status=NOT_PROCESSED&offset=0";

std::string item(const std::string& number, const std::string& customer = "c1", const std::string& reference = "R-9")
{
    return R"({"number":")" + number + R"(","billing_system_customer_identifier":")" + customer +
           R"(","reference_number":")" + reference + R"("})";
}

std::string batch(const std::string& set, const std::string& items, const std::string& token = "{T}")
{
    return R"({"token":")" + token + R"(",")" + set + R"(":[)" + items + "]}";
}

std::string items(int count)
{
    std::string text;
    for (int i = 0; i < count; ++i) text += (i ? "," : "") + item("P" + std::to_string(i), "c1", "R-" + std::to_string(i));
    return text;
}

std::string nested(int depth) { return std::string(static_cast<std::size_t>(depth), '[') + std::string(static_cast<std::size_t>(depth), ']'); }

std::vector<bad_input> matrix()
{
    const std::string ack = "netflix/charges/acknowledge";
    const std::string accept = "netflix/charges/accept";
    const std::string decline = "netflix/charges/decline";
    const std::string login = "authentication/token";
    const std::string key_login = "authentication/web_api_key/token";
    const std::string release = "authentication/token/release";
    const std::string set = "acknowledged_charges_set";
    std::vector<bad_input> cases = {
        // list: tokens
        {"list without a token", get(list + ok_list), 401, 200, "UNAUTHENTICATED"},
        {"list with a garbage token", get(list + "token=garbage&" + ok_list), 401, 200, "UNAUTHENTICATED"},
        {"list with a forged signature", get(list + "token={F}&" + ok_list), 401, 200, "UNAUTHENTICATED"},
        {"list with alg none", get(list + "token={N}&" + ok_list), 401, 200, "UNAUTHENTICATED"},
        {"list with an empty token", get(list + "token=&" + ok_list), 401, 200, "UNAUTHENTICATED"},
        {"list with a NUL in the token", get(list + "token={T}%00&" + ok_list), 401, 200, "UNAUTHENTICATED"},
        {"list with two different tokens", raw("GET", base + list + "token={T}&" + ok_list, "Authorization: Bearer {O}\r\n"), 400, 200, "INVALID_PARAMETER"},
        {"list with a Bearer header of garbage", raw("GET", base + list + ok_list, "Authorization: Bearer x.y.z\r\n"), 401, 200, "UNAUTHENTICATED"},
        // list: parameters
        {"number_of_results 0", get(list + "token={T}&number_of_results=0&charge_status=NOT_PROCESSED&offset=0"), 400, 200, "INVALID_PARAMETER"},
        {"number_of_results 51", get(list + "token={T}&number_of_results=51&charge_status=NOT_PROCESSED&offset=0"), 400, 200, "INVALID_PARAMETER"},
        {"number_of_results negative", get(list + "token={T}&number_of_results=-1&charge_status=NOT_PROCESSED&offset=0"), 400, 200, "INVALID_PARAMETER"},
        {"number_of_results text", get(list + "token={T}&number_of_results=abc&charge_status=NOT_PROCESSED&offset=0"), 400, 200, "INVALID_PARAMETER"},
        {"number_of_results huge", get(list + "token={T}&number_of_results=99999999999999999999999&charge_status=NOT_PROCESSED&offset=0"), 400, 200, "INVALID_PARAMETER"},
        {"number_of_results with a space", get(list + "token={T}&number_of_results=+5&charge_status=NOT_PROCESSED&offset=0"), 400, 200, "INVALID_PARAMETER"},
        {"number_of_results missing", get(list + "token={T}&charge_status=NOT_PROCESSED&offset=0"), 400, 200, "MISSING_PARAMETER"},
        {"offset negative", get(list + "token={T}&number_of_results=5&charge_status=NOT_PROCESSED&offset=-5"), 400, 200, "INVALID_PARAMETER"},
        {"offset in exponent form", get(list + "token={T}&number_of_results=5&charge_status=NOT_PROCESSED&offset=1e3"), 400, 200, "INVALID_PARAMETER"},
        {"offset missing", get(list + "token={T}&number_of_results=5&charge_status=NOT_PROCESSED"), 400, 200, "MISSING_PARAMETER"},
        {"charge_status unknown", get(list + "token={T}&number_of_results=5&charge_status=WHATEVER&offset=0"), 400, 200, "INVALID_PARAMETER"},
        {"charge_status lower case", get(list + "token={T}&number_of_results=5&charge_status=not_processed&offset=0"), 400, 200, "INVALID_PARAMETER"},
        {"charge_status missing", get(list + "token={T}&number_of_results=5&offset=0"), 400, 200, "MISSING_PARAMETER"},
        {"charge_status not UTF-8", get(list + "token={T}&number_of_results=5&charge_status=%FF%FE&offset=0"), 400, 200, "INVALID_PARAMETER"},
        {"a parameter given twice", get(list + "token={T}&" + ok_list + "&charge_status=PROCESSED"), 400, 200, "INVALID_PARAMETER"},
        {"a parameter not UTF-8 named given twice", get(list + "token={T}&" + ok_list + "&x%ED=1&x%ED=2"), 400, 200, "INVALID_PARAMETER"},
        {"fields_set with an unknown field", get(list + "token={T}&" + ok_list + "&fields_set=number,password"), 400, 200, "INVALID_PARAMETER"},
        {"a bad percent-escape in the query", get(list + "token={T}&" + ok_list + "&x=%zz"), 400, 400, "MALFORMED_REQUEST"},
        {"list by POST", post(list + ok_list, "{}"), 405, 405, "METHOD_NOT_ALLOWED"},
        {"list by DELETE", raw("DELETE", base + list + ok_list), 405, 405, "METHOD_NOT_ALLOWED"},
        // acknowledge: the body as a whole
        {"acknowledge with an empty body", post(ack, ""), 400, 200, "MALFORMED_REQUEST"},
        {"acknowledge with broken JSON", post(ack, R"({"token":"{T}",)"), 400, 200, "MALFORMED_REQUEST"},
        {"acknowledge with trailing garbage", post(ack, batch(set, item("P1")) + "x"), 400, 200, "MALFORMED_REQUEST"},
        {"acknowledge with a JSON array", post(ack, "[]"), 400, 200, "MALFORMED_REQUEST"},
        {"acknowledge with JSON null", post(ack, "null"), 400, 200, "MALFORMED_REQUEST"},
        {"acknowledge with a JSON string", post(ack, R"("{T}")"), 400, 200, "MALFORMED_REQUEST"},
        {"acknowledge with a huge number", post(ack, "1e999999"), 400, 200, "MALFORMED_REQUEST"},
        {"acknowledge nested 10,000 deep", post(ack, R"({"token":"{T}","acknowledged_charges_set":)" + nested(10000) + "}"), 400, 200, "MALFORMED_REQUEST"},
        {"acknowledge with a comment", post(ack, "/*x*/" + batch(set, item("P1"))), 400, 200, "MALFORMED_REQUEST"},
        {"acknowledge with a raw non-UTF-8 byte", post(ack, batch(set, item("P\xff"))), 400, 200, "MALFORMED_REQUEST"},
        {"acknowledge with a lone surrogate", post(ack, batch(set, item("P\\ud800"))), 400, 200, "MALFORMED_REQUEST"},
        {"acknowledge declared as text/plain, read as JSON: an empty number", post(ack, batch(set, item("")), "text/plain"), 400, 200, "MISSING_PARAMETER"},
        {"acknowledge sent as form data", post(ack, "token=x", "application/x-www-form-urlencoded"), 400, 200, "MALFORMED_REQUEST"},
        {"acknowledge by GET", raw("GET", base + ack), 405, 405, "METHOD_NOT_ALLOWED"},
        {"acknowledge by PUT", raw("PUT", base + ack, "Content-Length: 2\r\n") + "{}", 405, 405, "METHOD_NOT_ALLOWED"},
        // acknowledge: token
        {"acknowledge without a token", post(ack, R"({"acknowledged_charges_set":[)" + item("P1") + "]}"), 401, 200, "UNAUTHENTICATED"},
        {"acknowledge with a token of the wrong type", post(ack, R"({"token":true,"acknowledged_charges_set":[)" + item("P1") + "]}"), 400, 200, "INVALID_PARAMETER"},
        {"acknowledge with a token that is an integer", post(ack, R"({"token":12,"acknowledged_charges_set":[)" + item("P1") + "]}"), 401, 200, "UNAUTHENTICATED"},
        {"acknowledge with a forged token", post(ack, batch(set, item("P1"), "{F}")), 401, 200, "UNAUTHENTICATED"},
        {"acknowledge with a released token", post(ack, batch(set, item("P1"), "{R}")), 401, 200, "UNAUTHENTICATED"},
        // acknowledge: the set
        {"acknowledge without the set", post(ack, R"({"token":"{T}"})"), 400, 200, "MISSING_PARAMETER"},
        {"acknowledge with a null set", post(ack, R"({"token":"{T}","acknowledged_charges_set":null})"), 400, 200, "MISSING_PARAMETER"},
        {"acknowledge with 0 items", post(ack, batch(set, "")), 400, 200, "MISSING_PARAMETER"},
        {"acknowledge with 51 items", post(ack, batch(set, items(51))), 400, 200, "TOO_MANY_ITEMS"},
        {"acknowledge with the set an object", post(ack, R"({"token":"{T}","acknowledged_charges_set":{}})"), 400, 200, "INVALID_PARAMETER"},
        {"acknowledge with the set a string", post(ack, R"({"token":"{T}","acknowledged_charges_set":"P1"})"), 400, 200, "INVALID_PARAMETER"},
        {"acknowledge with the set misspelt", post(ack, R"({"token":"{T}","acknowledged_charge_set":[)" + item("P1") + "]}"), 400, 200, "MISSING_PARAMETER"},
        // acknowledge: items
        {"an item that is a number", post(ack, batch(set, "7")), 400, 200, "INVALID_PARAMETER"},
        {"an item that is null", post(ack, batch(set, "null")), 400, 200, "INVALID_PARAMETER"},
        {"an item without number", post(ack, batch(set, R"({"billing_system_customer_identifier":"c1"})")), 400, 200, "MISSING_PARAMETER"},
        {"an item without customer", post(ack, batch(set, R"({"number":"P1"})")), 400, 200, "MISSING_PARAMETER"},
        {"an item with a fractional number", post(ack, batch(set, R"({"number":1.5,"billing_system_customer_identifier":"c1"})")), 400, 200, "INVALID_PARAMETER"},
        {"an item with an integer number, read as its digits: unknown", post(ack, batch(set, R"({"number":1,"billing_system_customer_identifier":"c1"})")), 200, 200, "OK"},
        {"an item with a null number", post(ack, batch(set, R"({"number":null,"billing_system_customer_identifier":"c1"})")), 400, 200, "MISSING_PARAMETER"},
        {"an item with an empty number", post(ack, batch(set, item(""))), 400, 200, "MISSING_PARAMETER"},
        {"an item with a boolean customer", post(ack, batch(set, R"({"number":"P1","billing_system_customer_identifier":true})")), 400, 200, "INVALID_PARAMETER"},
        {"an item with an empty reference, none: unknown", post(ack, batch(set, item("NOPE", "c1", ""))), 200, 200, "OK"},
        {"an item with an array reference", post(ack, batch(set, R"({"number":"P1","billing_system_customer_identifier":"c1","reference_number":[]})")), 400, 200, "INVALID_PARAMETER"},
        {"an item with a 65-byte number", post(ack, batch(set, item(std::string(65, 'N')))), 400, 200, "INVALID_PARAMETER"},
        {"an item with a 129-byte customer", post(ack, batch(set, item("P1", std::string(129, 'c')))), 400, 200, "INVALID_PARAMETER"},
        {"an item with a 129-byte reference", post(ack, batch(set, item("P1", "c1", std::string(129, 'r')))), 400, 200, "INVALID_PARAMETER"},
        {"an item with a control character", post(ack, batch(set, item("P\\u0001"))), 400, 200, "INVALID_PARAMETER"},
        {"an item with a NUL", post(ack, batch(set, item("P\\u0000"))), 400, 200, "INVALID_PARAMETER"},
        {"a good item before a bad one", post(ack, batch(set, item("P1") + "," + item(""))), 400, 200, "MISSING_PARAMETER"},
        // acknowledge: per-item refusals change nothing either
        {"a charge of another operator", post(ack, batch(set, item("X1", "c1", "R-X"))), 200, 200, "OK"},
        {"a charge of another customer", post(ack, batch(set, item("P1", "someone-else"))), 200, 200, "OK"},
        {"an unknown charge", post(ack, batch(set, item("NOPE"))), 200, 200, "OK"},
        {"a reference already used by another charge", post(ack, batch(set, item("P2", "c1", "R-TAKEN"))), 200, 200, "OK"},
        {"acknowledged again with another reference", post(ack, batch(set, item("A1", "c1", "R-OTHER"))), 200, 200, "OK"},
        {"unknown fields, ignored, on a refused item", post(ack, R"({"token":"{T}","more":true,"acknowledged_charges_set":[{"number":"NOPE","billing_system_customer_identifier":"c1","extra":{"deep":[1,2]}}]})"), 200, 200, "OK"},
        {"a duplicate key: the last token counts", post(ack, R"({"token":"garbage","token":"{T}","acknowledged_charges_set":[)" + item("NOPE") + "]}"), 200, 200, "OK"},
        {"a token of another operator for this operator's charge", post(ack, batch(set, item("P1"), "{O}")), 200, 200, "OK"},
        {"the same number twice in a batch, both refused", post(ack, batch(set, item("NOPE") + "," + item("NOPE"))), 200, 200, "OK"},
        // accept and decline
        {"accept with broken JSON", post(accept, "{"), 400, 200, "MALFORMED_REQUEST"},
        {"accept with 51 items", post(accept, batch("accepted_charges_set", items(51))), 400, 200, "TOO_MANY_ITEMS"},
        {"accept without the set", post(accept, R"({"token":"{T}"})"), 400, 200, "MISSING_PARAMETER"},
        {"accept without a token", post(accept, R"({"accepted_charges_set":[)" + item("P1") + "]}"), 401, 200, "UNAUTHENTICATED"},
        {"accept a charge that is not pending", post(accept, batch("accepted_charges_set", item("D1", "c1", "R-D"))), 200, 200, "OK"},
        {"decline with wrong types", post(decline, R"({"token":"{T}","declined_charges_set":[{"number":[],"billing_system_customer_identifier":{}}]})"), 400, 200, "INVALID_PARAMETER"},
        {"decline with 51 items", post(decline, batch("declined_charges_set", items(51))), 400, 200, "TOO_MANY_ITEMS"},
        {"decline with a forged token", post(decline, batch("declined_charges_set", item("P1"), "{F}")), 401, 200, "UNAUTHENTICATED"},
        {"decline a charge that is already declined", post(decline, batch("declined_charges_set", item("D1", "c1", "R-D2"))), 200, 200, "OK"},
        {"decline by GET", raw("GET", base + decline), 405, 405, "METHOD_NOT_ALLOWED"},
        // login
        {"login with a wrong password", post(login, R"({"username":"billing","password":"wrong horse","organisation":"ps_dev"})"), 401, 200, "INVALID_CREDENTIALS"},
        {"login to an unknown organisation", post(login, R"({"username":"billing","password":"correct horse","organisation":"nobody"})"), 401, 200, "INVALID_CREDENTIALS"},
        {"login to another operator", post(login, R"({"username":"billing","password":"correct horse","organisation":"other"})"), 401, 200, "INVALID_CREDENTIALS"},
        {"login without a password", post(login, R"({"username":"billing","organisation":"ps_dev"})"), 400, 200, "MISSING_PARAMETER"},
        {"login with a boolean user name", post(login, R"({"username":true,"password":"x","organisation":"ps_dev"})"), 400, 200, "INVALID_PARAMETER"},
        {"login with a numeric user name, read as its digits", post(login, R"({"username":7,"password":"x","organisation":"ps_dev"})"), 401, 200, "INVALID_CREDENTIALS"},
        {"login with a 10 KB user name", post(login, R"({"username":")" + std::string(10000, 'u') + R"(","password":"x","organisation":"ps_dev"})"), 401, 200, "INVALID_CREDENTIALS"},
        {"login with broken JSON", post(login, "{'username':'billing'}"), 400, 200, "MALFORMED_REQUEST"},
        {"login by GET", raw("GET", base + login), 405, 405, "METHOD_NOT_ALLOWED"},
        // key login
        {"key login without Authorization: a challenge in both modes", post(key_login, ""), 401, 401, "MISSING_PARAMETER"},
        {"key login with bad base64", raw("POST", base + key_login, "Authorization: Basic !!!!\r\nContent-Length: 0\r\n"), 401, 200, "INVALID_CREDENTIALS"},
        {"key login with another scheme", raw("GET", base + key_login, "Authorization: Digest x\r\n"), 401, 200, "INVALID_CREDENTIALS"},
        {"key login with an unknown key", raw("POST", base + key_login, "Authorization: Basic bmNrX25vcGU6\r\nContent-Length: 0\r\n"), 401, 200, "INVALID_CREDENTIALS"},
        // release
        {"release a garbage token", post(release, R"({"token":"garbage"})"), 401, 200, "UNAUTHENTICATED"},
        {"release a forged token", post(release, R"({"token":"{F}"})"), 401, 200, "UNAUTHENTICATED"},
        {"release without a token", post(release, "{}"), 401, 200, "UNAUTHENTICATED"},
        // transport
        {"a request line of garbage", "GARBAGE\r\n\r\n", 400, 400, "MALFORMED_REQUEST"},
        {"an absolute-form target, as a proxy sends it: accepted", raw("GET", "http://localhost/healthz"), 200, 200, "OK"},
        {"a target in authority form", raw("GET", "localhost:80"), 400, 400, "MALFORMED_REQUEST"},
        {"an unknown path", raw("GET", base + "netflix/charges/everything"), 404, 404, "NOT_FOUND"},
        {"a dot-dot path", raw("GET", base + "../v2/netflix/charges/list?" + ok_list), 404, 404, "NOT_FOUND"},
        {"a negative Content-Length", raw("POST", base + ack, "Content-Length: -1\r\n"), 400, 400, "MALFORMED_REQUEST"},
        {"two different Content-Lengths", raw("POST", base + ack, "Content-Length: 2\r\nContent-Length: 3\r\n") + "{}", 400, 400, "MALFORMED_REQUEST"},
        {"a broken chunked body", raw("POST", base + ack, "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n") + "zz\r\n{}\r\n0\r\n\r\n", 400, 400, "MALFORMED_REQUEST"},
        {"a body over 64 KiB", post(ack, batch(set, item("P1")) + std::string(70000, ' ')), 413, 413, "BODY_TOO_LARGE"},
        {"headers over 16 KiB", raw("GET", "/healthz", "X-Filler: " + std::string(20000, 'x') + "\r\n"), 431, 431, "HEADERS_TOO_LARGE"},
        {"healthz by POST", post("../../../healthz", "{}"), 404, 404, "NOT_FOUND"},
        {"metrics by DELETE", raw("DELETE", "/metrics"), 405, 405, "METHOD_NOT_ALLOWED"},
        // framing: a length that is not certain is 400 and the connection closes (RFC 9112 6.1, 6.3)
        {"smuggling: Transfer-Encoding gzip, no Content-Length", smuggling("Transfer-Encoding: gzip\r\n"), 400, 400, "MALFORMED_REQUEST", true},
        {"smuggling: Transfer-Encoding identity", smuggling("Transfer-Encoding: identity\r\n"), 400, 400, "MALFORMED_REQUEST", true},
        {"smuggling: Transfer-Encoding chunked, identity", smuggling("Transfer-Encoding: chunked, identity\r\n"), 400, 400, "MALFORMED_REQUEST", true},
        {"smuggling: Transfer-Encoding gzip, chunked", smuggling("Transfer-Encoding: gzip, chunked\r\n"), 400, 400, "MALFORMED_REQUEST", true},
        {"smuggling: Transfer-Encoding chunked twice", smuggling("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"), 400, 400, "MALFORMED_REQUEST", true},
        {"smuggling: Transfer-Encoding xchunked", smuggling("Transfer-Encoding: xchunked\r\n"), 400, 400, "MALFORMED_REQUEST", true},
        {"smuggling: Transfer-Encoding empty", smuggling("Transfer-Encoding: \r\n"), 400, 400, "MALFORMED_REQUEST", true},
        {"smuggling: Transfer-Encoding and Content-Length", smuggling("Transfer-Encoding: chunked\r\nContent-Length: 0\r\n"), 400, 400, "MALFORMED_REQUEST", true},
        {"smuggling: Content-Length and Transfer-Encoding", smuggling("Content-Length: 0\r\nTransfer-Encoding: chunked\r\n"), 400, 400, "MALFORMED_REQUEST", true},
        {"smuggling: Transfer-Encoding in HTTP/1.0", smuggling("Transfer-Encoding: chunked\r\n", "HTTP/1.0"), 400, 400, "MALFORMED_REQUEST", true},
        {"smuggling: a space before the colon", smuggling("Transfer-Encoding : chunked\r\n"), 400, 400, "MALFORMED_REQUEST", true},
        {"smuggling: Content-Length with a sign", smuggling("Content-Length: +0\r\n"), 400, 400, "MALFORMED_REQUEST", true},
        {"smuggling: two Content-Lengths in one field", smuggling("Content-Length: 0, 200\r\n"), 400, 400, "MALFORMED_REQUEST", true},
        {"smuggling: a list of equal Content-Lengths", smuggling("Content-Length: 0, 0\r\n"), 400, 400, "MALFORMED_REQUEST", true},
        {"smuggling: Content-Length twice, equal", smuggling("Content-Length: 0\r\nContent-Length: 0\r\n"), 400, 400, "MALFORMED_REQUEST", true},
        {"pipelined after a broken chunked body", refused_then("POST " + base + ack + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), 400, 400, "MALFORMED_REQUEST", true},
        {"pipelined after a request line of garbage", refused_then("GARBAGE\r\n\r\n"), 400, 400, "MALFORMED_REQUEST", true},
        {"pipelined after headers over 16 KiB", refused_then("GET /healthz HTTP/1.1\r\nX-Filler: " + std::string(20000, 'x') + "\r\n\r\n"), 431, 431, "HEADERS_TOO_LARGE", true},
    };
    return cases;
}

// Every row of every table, in a stable order: what "the store did not change" is compared on.
std::string dump(const std::string& path)
{
    SQLite::Database db{path, SQLite::OPEN_READONLY};
    std::string text;
    SQLite::Statement tables{db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"};
    while (tables.executeStep()) {
        const std::string table = tables.getColumn(0).getString();
        text += "table " + table + "\n";
        SQLite::Statement rows{db, "SELECT * FROM \"" + table + "\""};
        std::vector<std::string> lines;
        while (rows.executeStep()) {
            std::string line;
            for (int i = 0; i < rows.getColumnCount(); ++i)
                line += (rows.isColumnNull(i) ? std::string{"NULL"} : rows.getColumn(i).getString()) + "|";
            lines.push_back(line);
        }
        std::sort(lines.begin(), lines.end());
        for (const auto& line : lines) text += line + "\n";
    }
    return text;
}

struct matrix_fixture {
    test_support::temporary_directory folder;
    std::string path = folder.file("matrix.db");
    sqlite_store store{path};
    charges_service service{store};
    jwt_authenticator auth{store, fixture::auth_options()};
    std::map<std::string, std::string> tokens;

    matrix_fixture()
    {
        const operator_id op{"ps_dev"};
        const operator_id other{"other"};
        for (const char* number : {"P1", "P2", "P3", "A1", "D1"}) service.issue(op, a_charge(number).for_customer("c1"));
        service.issue(other, a_charge("X1").for_customer("c1"));
        const identity caller = identity::vouched_for_by_host("billing", op, "");
        REQUIRE(service.acknowledge(caller, {{"A1", "c1", std::string{"R-A1"}}, {"P3", "c1", std::string{"R-TAKEN"}}}).failed.empty());
        REQUIRE(service.decline(caller, {{"D1", "c1", std::string{"R-D1"}}}).failed.empty());
        auth.add_user(op, "billing", "", "correct horse");
        auth.add_user(other, "billing", "", "another horse");
        tokens["{T}"] = auth.login("billing", "correct horse", "ps_dev", std::nullopt).token;
        tokens["{O}"] = auth.login("billing", "another horse", "other", std::nullopt).token;
        tokens["{R}"] = auth.login("billing", "correct horse", "ps_dev", std::nullopt).token;
        auth.release(tokens["{R}"]);
        auto forged = tokens["{T}"];
        forged.back() = forged.back() == 'A' ? 'B' : 'A';
        tokens["{F}"] = forged;
        const auto payload = tokens["{T}"].substr(tokens["{T}"].find('.'));
        tokens["{N}"] = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0" + payload.substr(0, payload.rfind('.')) + ".";
    }

    // The request with real tokens; a Content-Length that matched the body is made to match again.
    std::string with_tokens(const std::string& request) const
    {
        const auto split = request.find("\r\n\r\n");
        if (split == std::string::npos) return request;
        std::string head = request.substr(0, split + 4);
        std::string body = request.substr(split + 4);
        const std::string declared = "Content-Length: " + std::to_string(body.size()) + "\r\n";
        for (const auto& [placeholder, token] : tokens) {
            replace_all(head, placeholder, token);
            replace_all(body, placeholder, token);
        }
        replace_all(head, declared, "Content-Length: " + std::to_string(body.size()) + "\r\n");
        return head + body;
    }

    template <typename Connection = raw_connection>
    void run(http::error_mode mode, const http::server_options& server_options = {})
    {
        http::handler_options options;
        options.errors = mode;
        http::handler api{service, auth, options};
        running_server server{api, server_options};
        const auto cases = matrix();
        REQUIRE(cases.size() >= 80);
        const std::string before = dump(path);
        for (const auto& c : cases) {
            INFO(c.name);
            Connection connection{server.port()};
            connection.send(with_tokens(c.request));
            const auto r = connection.read_response();
            REQUIRE(r);
            CHECK(r->status == (mode == http::error_mode::strict ? c.strict_status : c.compatible_status));
            http::response as_handler_response{r->status, {{"Content-Type", "application/json"}}, r->body};
            const auto envelope = envelope_of(as_handler_response);
            const auto& status = envelope.at("status").as_object();
            CHECK(status.at("code").as_string() == c.code);
            if (c.code != std::string{"OK"}) CHECK_FALSE(status.at("message").as_string().empty());
            if (c.closes) {
                if (r->headers.rfind("HTTP/1.1", 0) == 0)  // HTTP/1.0 closes without saying so
                    CHECK(r->headers.find("Connection: close") != std::string::npos);
                CHECK_FALSE(connection.read_response(std::chrono::milliseconds{300}));  // nothing else is served
                CHECK(connection.closed_by_server());
            }
            CHECK(dump(path) == before);
        }
    }
};

}  // namespace

TEST_CASE("the bad-input matrix, strict mode: exact status, an envelope, the database unchanged", "[http][bad input]")
{
    matrix_fixture f;
    f.run(http::error_mode::strict);
}

TEST_CASE("the bad-input matrix, compatible mode: exact status, an envelope, the database unchanged", "[http][bad input]")
{
    matrix_fixture f;
    f.run(http::error_mode::compatible);
}

TEST_CASE("the bad-input matrix over TLS: the same answers, the database unchanged", "[http][bad input][tls]")
{
    matrix_fixture f;
    http::server_options tls;
    tls.tls_certificate_file = f.folder.file("cert.pem");
    tls.tls_private_key_file = f.folder.file("key.pem");
    test_support::make_certificate(tls.tls_certificate_file, tls.tls_private_key_file);
    f.run<test_support::tls_raw_connection>(http::error_mode::strict, tls);
}
