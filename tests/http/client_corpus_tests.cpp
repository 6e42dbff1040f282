// The compatibility corpus: the exact bytes that the HTTP clients billing systems are written with
// put on the wire by default — header names, spelling, order and values, Expect: 100-continue,
// chunking, Connection, how the body is written — replayed over a real socket to a server on a
// real SQLite file, in both error modes. Each shape says where it comes from (the client's own
// source or documentation). Every call must succeed exactly as it would on CRM.COM, with no
// client-side wait: a client that sent Expect: 100-continue gets its 100 at once.
#include "http_fixture.hpp"

#include "base64.hpp"
#include "raw_http_client.hpp"
#include "replace_all.hpp"
#include "running_server.hpp"
#include "temporary_directory.hpp"

#include <netflix_charges/sqlite_store.hpp>

#include <openssl/hmac.h>

#include <chrono>
#include <thread>

using namespace http_tests;
using test_support::base64;
using test_support::raw_connection;
using test_support::replace_all;

namespace {

using std::chrono::milliseconds;

enum class call_kind {
    list,
    list_trailing_slash,      // `netflix/charges/list/?token=...`, as PHP clients write the URL
    list_empty_pairs,         // a query built by concatenation: `?token=T&&number_of_results=...&`
    list_float_exp_token,     // a token whose exp is a float (PyJWT with exp=time.time() + 7200)
    acknowledge,
    acknowledge_large,
    login,
    login_empty_unit,         // "unit": "" (a C# client whose configured unit is empty)
    login_wrong_password,     // the client shows status.message to its user
    key_login,
};
enum class json_style { compact, python, pretty, php };  // how the client's JSON encoder writes
enum class framing { content_length, chunked };

struct client_shape {
    const char* client;
    call_kind call;
    // The header block after the request line, as the client writes it ("\n" ends a line):
    // {HOST} is host:port, {LENGTH} the body's length, {BASIC} base64 of "<key>:".
    const char* head;
    json_style style = json_style::compact;
    framing body_framing = framing::content_length;
    // Expect: 100-continue: how long the client waits for the 100 before sending its body anyway.
    milliseconds continue_wait{0};
    bool body_in_second_write = false;  // headers and body written separately (Python's http.client)
    bool basic_after_challenge = false;  // credentials only after a 401 with WWW-Authenticate: Basic
};

// Sources, by client (quoted in the comments of each shape below):
//  curl     curl/curl lib/http.c (header order; addexpect() with EXPECT_100_THRESHOLD, 1024 until
//           curl 7.69.0, commit 7ff9222ced, then 1 MiB); docs/libcurl/opts/CURLOPT_EXPECT_100_TIMEOUT_MS.md
//           ("DEFAULT 1000 milliseconds"); tests/data/test97.
//  PHP      php-src ext/curl/interface.c _php_curl_set_default_options() (no User-Agent);
//           json_encode escapes '/' as "\/" unless JSON_UNESCAPED_SLASHES.
//  Guzzle   guzzle/guzzle src/Utils.php defaultUserAgent() "GuzzleHttp/7"; src/Client.php
//           applyOptions() (Content-Type application/json); src/Handler/CurlFactory.php (empty
//           "Accept:", "Expect:" suppress curl's); src/PrepareBodyMiddleware.php (Expect only >= 1 MiB).
//  requests psf/requests src/requests/utils.py default_headers(); models.py prepare_body()
//           (json.dumps with ", " and ": " separators, Content-Length then Content-Type);
//           auth.py HTTPBasicAuth (preemptive); urllib3 connection.py request() writes the body
//           after endheaders().
//  .NET Fx  microsoft/referencesource System/net/System/Net/HttpWebRequest.cs: SerializeHeaders()
//           (Expect: 100-continue for any ContentLength > 0 while ServicePointManager.Expect100Continue,
//           the default), DefaultContinueTimeout = 350 ms, "Connection: Keep-Alive"; learn.microsoft.com
//           ServicePointManager.Expect100Continue ("The default value is true"); PreAuthenticate
//           (credentials after a 401 challenge).
//  .NET 5+  dotnet/runtime System.Net.Http SocketsHttpHandler/HttpConnection.cs WriteHeaders();
//           StringContent.cs (charset=utf-8 always); System.Net.Http.Json JsonContent.cs
//           TryComputeLength false, so SocketsHttpHandler.cs sets Transfer-Encoding: chunked.
//  Java     openjdk jdk17u src/java.base/share/classes/sun/net/www/protocol/http/HttpURLConnection.java
//           writeRequests() (user headers first, User-Agent Java/<v>, Host, acceptString,
//           Connection: keep-alive, Content-Length last); java.net.Authenticator (after a challenge).
//  Apache   apache/httpcomponents-client 4.5.x HttpClientBuilder.java interceptor order,
//           RequestAcceptEncoding "gzip,deflate", HTTP.CONN_KEEP_ALIVE "Keep-Alive", ContentType
//           APPLICATION_JSON "application/json; charset=UTF-8"; 5.x "Connection: keep-alive",
//           Accept-Encoding "gzip, x-gzip, deflate" first (ContentCompressionExec); CredentialsProvider
//           answers a challenge.
//  axios    axios/axios lib/defaults/index.js, lib/adapters/http.js (header order, User-Agent
//           axios/<v>), nodejs/node lib/_http_client.js (Host, then Connection: close on Node <= 18,
//           keep-alive from Node 19, nodejs/node#43522).
//  fetch    nodejs/undici lib/dispatcher/client-h1.js (host, connection first, content-length last,
//           lower-case names), lib/web/fetch/index.js (accept, accept-language, sec-fetch-mode,
//           user-agent node, accept-encoding).
//  Postman  postmanlabs/postman-runtime lib/requester/core.js addSystemHeaders() (User-Agent
//           PostmanRuntime/<v>, Accept, Cache-Control, Postman-Token, Host, Accept-Encoding,
//           Connection), raw bodies sent as typed (pretty-printed); lib/authorizer/basic.js.
const std::vector<client_shape>& corpus()
{
    static const std::vector<client_shape> shapes{
        // curl command line (curl/curl lib/http.c; tests/data/test97)
        {"curl 7.88", call_kind::list, "Host: {HOST}\nUser-Agent: curl/7.88.1\nAccept: */*\n"},
        {"curl 7.88", call_kind::acknowledge,
         "Host: {HOST}\nUser-Agent: curl/7.88.1\nAccept: */*\nContent-Type: application/json\nContent-Length: {LENGTH}\n"},
        {"curl 7.88 -u key:", call_kind::key_login,
         "Host: {HOST}\nAuthorization: Basic {BASIC}\nUser-Agent: curl/7.88.1\nAccept: */*\n"},
        // curl before 7.69.0 (CentOS 7, Ubuntu 18.04): Expect for bodies over 1024 bytes, 1 s wait
        {"curl 7.58 (over 1 KiB)", call_kind::acknowledge_large,
         "Host: {HOST}\nUser-Agent: curl/7.58.0\nAccept: */*\nContent-Type: application/json\nContent-Length: {LENGTH}\n"
         "Expect: 100-continue\n",
         json_style::compact, framing::content_length, milliseconds{1000}},
        // PHP ext/curl: no User-Agent; json_encode escapes '/'; old libcurl sends Expect over 1 KiB
        {"PHP curl", call_kind::list, "Host: {HOST}\nAccept: */*\n"},
        {"PHP curl", call_kind::acknowledge, "Host: {HOST}\nAccept: */*\nContent-Type: application/json\nContent-Length: {LENGTH}\n",
         json_style::php},
        {"PHP curl, typo in Content-Type (found in real code)", call_kind::acknowledge,
         "Host: {HOST}\nAccept: */*\nContent-Type:applicatio/json\nContent-Length: {LENGTH}\n", json_style::php},
        {"PHP curl on libcurl 7.29 (over 1 KiB)", call_kind::acknowledge_large,
         "Host: {HOST}\nAccept: */*\nContent-Type: application/json\nContent-Length: {LENGTH}\nExpect: 100-continue\n",
         json_style::php, framing::content_length, milliseconds{1000}},
        {"PHP curl, password login", call_kind::login,
         "Host: {HOST}\nAccept: */*\nContent-Type: application/json\nContent-Length: {LENGTH}\n", json_style::php},
        {"PHP curl, URL written list/?token=", call_kind::list_trailing_slash, "Host: {HOST}\nAccept: */*\n"},
        {"PHP curl, query built with &&", call_kind::list_empty_pairs, "Host: {HOST}\nAccept: */*\n"},
        // Guzzle 7: no Accept, Expect suppressed below 1 MiB
        {"Guzzle 7", call_kind::list, "Host: {HOST}\nUser-Agent: GuzzleHttp/7\n"},
        {"Guzzle 7", call_kind::acknowledge_large,
         "Host: {HOST}\nUser-Agent: GuzzleHttp/7\nContent-Type: application/json\nContent-Length: {LENGTH}\n", json_style::php},
        {"Guzzle 7 auth [key, '']", call_kind::key_login,
         "Host: {HOST}\nUser-Agent: GuzzleHttp/7\nAuthorization: Basic {BASIC}\n"},
        // Python requests: body in a second write, json.dumps separators with spaces
        {"Python requests", call_kind::list,
         "Host: {HOST}\nUser-Agent: python-requests/2.28.1\nAccept-Encoding: gzip, deflate\nAccept: */*\nConnection: keep-alive\n"},
        {"Python requests", call_kind::acknowledge,
         "Host: {HOST}\nUser-Agent: python-requests/2.28.1\nAccept-Encoding: gzip, deflate\nAccept: */*\nConnection: keep-alive\n"
         "Content-Length: {LENGTH}\nContent-Type: application/json\n",
         json_style::python, framing::content_length, milliseconds{0}, true},
        {"Python requests, a host's PyJWT token with a float exp", call_kind::list_float_exp_token,
         "Host: {HOST}\nUser-Agent: python-requests/2.28.1\nAccept-Encoding: gzip, deflate\nAccept: */*\nConnection: keep-alive\n"},
        {"Python requests auth=(key, '')", call_kind::key_login,
         "Host: {HOST}\nUser-Agent: python-requests/2.28.1\nAccept-Encoding: gzip, deflate\nAccept: */*\nConnection: keep-alive\n"
         "Content-Length: 0\nAuthorization: Basic {BASIC}\n"},
        // .NET Framework HttpWebRequest: Expect on every POST, 350 ms wait, Connection: Keep-Alive
        {".NET Framework HttpWebRequest", call_kind::list, "Host: {HOST}\nConnection: Keep-Alive\n"},
        {".NET Framework HttpWebRequest", call_kind::acknowledge,
         "Content-Type: application/json\nHost: {HOST}\nContent-Length: {LENGTH}\nExpect: 100-continue\nConnection: Keep-Alive\n",
         json_style::compact, framing::content_length, milliseconds{350}},
        {".NET Framework HttpWebRequest", call_kind::login,
         "Content-Type: application/json\nHost: {HOST}\nContent-Length: {LENGTH}\nExpect: 100-continue\nConnection: Keep-Alive\n",
         json_style::compact, framing::content_length, milliseconds{350}},
        {".NET Framework HttpWebRequest, configured unit empty", call_kind::login_empty_unit,
         "Content-Type: application/json\nHost: {HOST}\nContent-Length: {LENGTH}\nExpect: 100-continue\nConnection: Keep-Alive\n",
         json_style::compact, framing::content_length, milliseconds{350}},
        {".NET Framework HttpWebRequest, a wrong password", call_kind::login_wrong_password,
         "Content-Type: application/json\nHost: {HOST}\nContent-Length: {LENGTH}\nExpect: 100-continue\nConnection: Keep-Alive\n",
         json_style::compact, framing::content_length, milliseconds{350}},
        {".NET Framework HttpWebRequest, NetworkCredential", call_kind::key_login,
         "Host: {HOST}\nContent-Length: 0\nConnection: Keep-Alive\n", json_style::compact, framing::content_length,
         milliseconds{0}, false, true},
        // .NET 5+ HttpClient: StringContent with charset; PostAsJsonAsync chunks
        {".NET HttpClient GetAsync", call_kind::list, "Host: {HOST}\n"},
        {".NET HttpClient PostAsync(StringContent)", call_kind::acknowledge,
         "Host: {HOST}\nContent-Type: application/json; charset=utf-8\nContent-Length: {LENGTH}\n"},
        {".NET HttpClient PostAsJsonAsync", call_kind::acknowledge_large,
         "Host: {HOST}\nTransfer-Encoding: chunked\nContent-Type: application/json; charset=utf-8\n", json_style::compact,
         framing::chunked},
        // Java HttpURLConnection (JDK 17): the odd default Accept
        {"Java HttpURLConnection", call_kind::list,
         "User-Agent: Java/17.0.9\nHost: {HOST}\nAccept: text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2\nConnection: keep-alive\n"},
        {"Java HttpURLConnection", call_kind::acknowledge,
         "Content-Type: application/json\nUser-Agent: Java/17.0.9\nHost: {HOST}\n"
         "Accept: text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2\nConnection: keep-alive\nContent-Length: {LENGTH}\n"},
        {"Java HttpURLConnection, setChunkedStreamingMode", call_kind::acknowledge,
         "Content-Type: application/json\nUser-Agent: Java/17.0.9\nHost: {HOST}\n"
         "Accept: text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2\nConnection: keep-alive\nTransfer-Encoding: chunked\n",
         json_style::compact, framing::chunked},
        {"Java HttpURLConnection, Authenticator", call_kind::key_login,
         "User-Agent: Java/17.0.9\nHost: {HOST}\nAccept: text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2\n"
         "Connection: keep-alive\nContent-Length: 0\n",
         json_style::compact, framing::content_length, milliseconds{0}, false, true},
        // Apache HttpClient 4.5 and 5.x
        {"Apache HttpClient 4.5", call_kind::list,
         "Host: {HOST}\nConnection: Keep-Alive\nUser-Agent: Apache-HttpClient/4.5.14 (Java/17.0.9)\nAccept-Encoding: gzip,deflate\n"},
        {"Apache HttpClient 4.5", call_kind::acknowledge,
         "Content-Length: {LENGTH}\nContent-Type: application/json; charset=UTF-8\nHost: {HOST}\nConnection: Keep-Alive\n"
         "User-Agent: Apache-HttpClient/4.5.14 (Java/17.0.9)\nAccept-Encoding: gzip,deflate\n"},
        {"Apache HttpClient 5.2", call_kind::acknowledge,
         "Accept-Encoding: gzip, x-gzip, deflate\nContent-Length: {LENGTH}\nContent-Type: application/json; charset=UTF-8\n"
         "Host: {HOST}\nConnection: keep-alive\nUser-Agent: Apache-HttpClient/5.2.1 (Java/17.0.9)\n"},
        {"Apache HttpClient 4.5, CredentialsProvider", call_kind::key_login,
         "Content-Length: 0\nHost: {HOST}\nConnection: Keep-Alive\nUser-Agent: Apache-HttpClient/4.5.14 (Java/17.0.9)\n"
         "Accept-Encoding: gzip,deflate\n",
         json_style::compact, framing::content_length, milliseconds{0}, false, true},
        // axios on Node 18 (Connection: close) and Node 20 (keep-alive)
        {"axios 1.6 on Node 18", call_kind::list,
         "Accept: application/json, text/plain, */*\nUser-Agent: axios/1.6.2\nAccept-Encoding: gzip, compress, deflate, br\n"
         "Host: {HOST}\nConnection: close\n"},
        {"axios 1.6 on Node 20", call_kind::acknowledge,
         "Accept: application/json, text/plain, */*\nContent-Type: application/json\nUser-Agent: axios/1.6.2\n"
         "Content-Length: {LENGTH}\nAccept-Encoding: gzip, compress, deflate, br\nHost: {HOST}\nConnection: keep-alive\n"},
        {"axios auth {username: key, password: ''}", call_kind::key_login,
         "Accept: application/json, text/plain, */*\nUser-Agent: axios/1.6.2\nAccept-Encoding: gzip, compress, deflate, br\n"
         "Host: {HOST}\nAuthorization: Basic {BASIC}\nConnection: keep-alive\nContent-Length: 0\n"},
        // Node fetch (undici): lower-case names, content-length last
        {"Node fetch", call_kind::list,
         "host: {HOST}\nconnection: keep-alive\naccept: */*\naccept-language: *\nsec-fetch-mode: cors\nuser-agent: node\n"
         "accept-encoding: gzip, deflate\n"},
        {"Node fetch", call_kind::acknowledge,
         "host: {HOST}\nconnection: keep-alive\nContent-Type: application/json\naccept: */*\naccept-language: *\n"
         "sec-fetch-mode: cors\nuser-agent: node\naccept-encoding: gzip, deflate\ncontent-length: {LENGTH}\n"},
        // Postman runtime: the raw body as typed in the editor
        {"Postman", call_kind::list,
         "User-Agent: PostmanRuntime/7.36.0\nAccept: */*\nCache-Control: no-cache\n"
         "Postman-Token: 5b0e3b9f-2c4e-4a8e-9d59-8f3f3a1c2b7d\nHost: {HOST}\nAccept-Encoding: gzip, deflate, br\nConnection: keep-alive\n"},
        {"Postman", call_kind::acknowledge,
         "Content-Type: application/json\nUser-Agent: PostmanRuntime/7.36.0\nAccept: */*\nCache-Control: no-cache\n"
         "Postman-Token: 0f5c3a8e-7f1b-4a55-9b9e-3c8d2f6a1e40\nHost: {HOST}\nAccept-Encoding: gzip, deflate, br\n"
         "Connection: keep-alive\nContent-Length: {LENGTH}\n",
         json_style::pretty},
        {"Postman Basic Auth tab, sent as GET", call_kind::key_login,
         "Authorization: Basic {BASIC}\nUser-Agent: PostmanRuntime/7.36.0\nAccept: */*\nCache-Control: no-cache\n"
         "Postman-Token: 9a3f1c2e-6b7d-4e8f-a1b2-c3d4e5f60718\nHost: {HOST}\nAccept-Encoding: gzip, deflate, br\nConnection: keep-alive\n"},
    };
    return shapes;
}

// A JSON object of string members and item arrays, written as the client's encoder writes it.
struct json_writer {
    json_style style;

    std::string string(std::string text) const
    {
        if (style == json_style::php) replace_all(text, "/", "\\/");
        return '"' + text + '"';
    }
    std::string member(const std::string& name, const std::string& value) const
    {
        return string(name) + (style == json_style::compact || style == json_style::php ? ":" : ": ") + value;
    }
    std::string object(const std::vector<std::string>& members, int depth = 0) const
    {
        const std::string comma = style == json_style::python ? ", " : ",";
        if (style != json_style::pretty) {
            std::string text = "{";
            for (std::size_t i = 0; i < members.size(); ++i) text += (i ? comma : "") + members[i];
            return text + "}";
        }
        const std::string indent(static_cast<std::size_t>(depth + 1) * 4, ' ');
        std::string text = "{\n";
        for (std::size_t i = 0; i < members.size(); ++i) text += indent + members[i] + (i + 1 < members.size() ? ",\n" : "\n");
        return text + std::string(static_cast<std::size_t>(depth) * 4, ' ') + "}";
    }
    std::string array(const std::vector<std::string>& values) const
    {
        std::string text = "[";
        for (std::size_t i = 0; i < values.size(); ++i) text += (i ? (style == json_style::python ? ", " : ",") : "") + values[i];
        return text + "]";
    }
};

std::string chunked(const std::string& body)
{
    // Two chunks, as a streaming serializer flushes its buffer part way.
    const auto half = body.size() / 2;
    char sizes[2][32];
    std::snprintf(sizes[0], sizeof sizes[0], "%zx", half);
    std::snprintf(sizes[1], sizeof sizes[1], "%zx", body.size() - half);
    return std::string{sizes[0]} + "\r\n" + body.substr(0, half) + "\r\n" + sizes[1] + "\r\n" + body.substr(half) + "\r\n0\r\n\r\n";
}

// A secret the host CRM shares with the server, so that tokens it makes itself are accepted.
const signing_key host_key{"host", "a secret the host CRM shares, 32 bytes or more"};

jwt_options shared_key_options()
{
    auto o = fixture::auth_options();
    o.signing_keys = {host_key};
    return o;
}

std::string base64url(const std::string& text)
{
    std::string out = base64(text);
    for (auto& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (!out.empty() && out.back() == '=') out.pop_back();
    return out;
}

// An HS256 token as PyJWT makes it from {"exp": time.time() + 7200, ...}: iat and exp are floats.
std::string float_exp_token()
{
    const auto now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    char claims[256];
    std::snprintf(claims, sizeof claims, R"({"usr":"billing","org":"ps_dev","oun":"","iat":%.6f,"exp":%.6f,"jti":"py-1"})", now,
                  now + 7200);
    const std::string input = base64url(R"({"alg":"HS256","typ":"JWT","kid":"host"})") + "." + base64url(claims);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), host_key.secret.data(), static_cast<int>(host_key.secret.size()),
         reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &length);
    return input + "." + base64url(std::string(reinterpret_cast<const char*>(mac), length));
}

struct corpus_server {
    test_support::temporary_directory folder;
    std::string path = folder.file("corpus.db");
    sqlite_store store{path};
    charges_service service{store};
    jwt_authenticator auth{store, shared_key_options()};
    operator_id op{"ps_dev"};
    std::string token;
    std::string key;
    http::handler_options options;
    std::unique_ptr<http::handler> api;
    std::unique_ptr<running_server> server;

    explicit corpus_server(http::error_mode mode)
    {
        auth.add_user(op, "billing", "", "correct horse");
        token = auth.login("billing", "correct horse", "ps_dev", std::nullopt).token;
        key = auth.create_api_key(op, "").key;
        options.errors = mode;
        api = std::make_unique<http::handler>(service, auth, options);
        server = std::make_unique<running_server>(*api, http::server_options{});
    }

    // The numbers of the charges one shape acknowledges, issued for it.
    std::vector<std::string> charges_for(std::size_t shape, std::size_t count)
    {
        std::vector<std::string> numbers;
        for (std::size_t i = 0; i < count; ++i) {
            numbers.push_back("S" + std::to_string(shape) + "-" + std::to_string(i));
            service.issue(op, a_charge(numbers.back()).for_customer("CUST/" + std::to_string(shape)));
        }
        return numbers;
    }
};

struct built_request {
    std::string head;  // request line and headers, ending in the empty line
    std::string body;  // as framed on the wire
    std::vector<std::string> acknowledged;  // the charges it acknowledges, if any
};

built_request build(corpus_server& s, std::size_t index, const client_shape& shape, bool with_credentials = true)
{
    const json_writer json{shape.style};
    built_request r;
    std::string method = "POST";
    std::string target = base;
    std::string body;
    const std::string list_query = "number_of_results=50&charge_status=NOT_PROCESSED&offset=0";
    const auto login_body = [&](const char* password, std::vector<std::string> more) {
        std::vector<std::string> members{json.member("username", json.string("billing")),
                                         json.member("password", json.string(password)),
                                         json.member("organisation", json.string("ps_dev"))};
        members.insert(members.end(), more.begin(), more.end());
        return json.object(members);
    };
    switch (shape.call) {
    case call_kind::list:
        method = "GET";
        target += "netflix/charges/list?token=" + s.token + "&" + list_query;
        break;
    case call_kind::list_trailing_slash:
        method = "GET";
        target += "netflix/charges/list/?token=" + s.token + "&" + list_query;
        break;
    case call_kind::list_empty_pairs:
        method = "GET";
        target += "netflix/charges/list?token=" + s.token + "&&number_of_results=50&&charge_status=NOT_PROCESSED&offset=0&";
        break;
    case call_kind::list_float_exp_token:
        method = "GET";
        target += "netflix/charges/list?token=" + float_exp_token() + "&" + list_query;
        break;
    case call_kind::acknowledge:
    case call_kind::acknowledge_large: {
        target += "netflix/charges/acknowledge";
        r.acknowledged = s.charges_for(index, shape.call == call_kind::acknowledge ? 1 : 20);
        std::vector<std::string> items;
        for (const auto& number : r.acknowledged)
            items.push_back(json.object({json.member("number", json.string(number)),
                                         json.member("billing_system_customer_identifier", json.string("CUST/" + std::to_string(index))),
                                         json.member("reference_number", json.string("INV/" + number))},
                                        2));
        body = json.object({json.member("token", json.string(s.token)), json.member("acknowledged_charges_set", json.array(items))});
        break;
    }
    case call_kind::login:
        target += "authentication/token";
        body = login_body("correct horse", {});
        break;
    case call_kind::login_empty_unit:
        target += "authentication/token";
        body = login_body("correct horse", {json.member("unit", json.string(""))});
        break;
    case call_kind::login_wrong_password:
        target += "authentication/token";
        body = login_body("wrong horse", {json.member("unit", json.string(""))});
        break;
    case call_kind::key_login:
        method = std::string{shape.client}.find("GET") != std::string::npos ? "GET" : "POST";
        target += "authentication/web_api_key/token";
        break;
    }
    if (shape.call == call_kind::acknowledge_large) REQUIRE(body.size() > 1024);

    std::string head = shape.head;
    if (!with_credentials) {
        REQUIRE(shape.basic_after_challenge);
    } else if (shape.basic_after_challenge) {
        head += "Authorization: Basic {BASIC}\n";  // the retry after the challenge carries them
    }
    replace_all(head, "{HOST}", "127.0.0.1:" + std::to_string(s.server->port()));
    replace_all(head, "{LENGTH}", std::to_string(body.size()));
    replace_all(head, "{BASIC}", base64(s.key + ":"));
    replace_all(head, "\n", "\r\n");
    r.head = method + " " + target + " HTTP/1.1\r\n" + head + "\r\n";
    r.body = shape.body_framing == framing::chunked ? chunked(body) : body;
    return r;
}

// Sends one request as the client does; returns its final answer.
test_support::raw_response exchange(raw_connection& c, const client_shape& shape, const built_request& r)
{
    if (shape.continue_wait.count() > 0) {
        c.send(r.head);
        const auto started = std::chrono::steady_clock::now();
        const auto interim = c.read_response(shape.continue_wait);
        REQUIRE(interim);  // else the client would have sat out its whole wait
        CHECK(interim->status == 100);
        CHECK(std::chrono::steady_clock::now() - started < shape.continue_wait / 4);
        c.send(r.body);
    } else if (shape.body_in_second_write) {
        c.send(r.head);
        std::this_thread::sleep_for(milliseconds{5});
        c.send(r.body);
    } else {
        c.send(r.head + r.body);
    }
    auto answer = c.read_response();
    REQUIRE(answer);
    return *answer;
}

json::object envelope(const test_support::raw_response& r)
{
    return envelope_of(http::response{r.status, {{"Content-Type", "application/json"}}, r.body});
}

void replay_corpus(http::error_mode mode)
{
    corpus_server s{mode};
    const auto& shapes = corpus();
    for (std::size_t i = 0; i < shapes.size(); ++i) {
        const auto& shape = shapes[i];
        INFO(shape.client);
        raw_connection c{s.server->port()};
        if (shape.basic_after_challenge) {
            const auto challenge = exchange(c, shape, build(s, i, shape, false));
            CHECK(challenge.status == 401);  // in both modes: the challenge is what makes these clients send the key
            CHECK(challenge.headers.find("WWW-Authenticate: Basic realm=\"netflix_charges\"") != std::string::npos);
        }
        const auto request = build(s, i, shape);
        const auto answer = exchange(c, shape, request);
        const auto e = envelope(answer);
        if (shape.call == call_kind::login_wrong_password) {
            CHECK(answer.status == (mode == http::error_mode::strict ? 401 : 200));
            CHECK(e.at("status").at("code") == "INVALID_CREDENTIALS");
            // What the client shows its user: a sentence, not an empty string.
            CHECK(e.at("status").at("message") == "The user name, password, organisation or unit is not right");
        } else {
            CHECK(answer.status == 200);
            CHECK(e.at("status").at("code") == "OK");
        }
        switch (shape.call) {
        case call_kind::list:
        case call_kind::list_trailing_slash:
        case call_kind::list_empty_pairs:
        case call_kind::list_float_exp_token: CHECK(e.at("data").at("charges_set").is_array()); break;
        case call_kind::login:
        case call_kind::login_empty_unit:
        case call_kind::key_login: CHECK(s.auth.verify(std::string{e.at("data").at("token").as_string()}).who); break;
        case call_kind::login_wrong_password: break;
        case call_kind::acknowledge:
        case call_kind::acknowledge_large:
            CHECK(e.at("data").at("failed_charges_set").as_array().empty());
            for (const auto& number : request.acknowledged) {
                const auto stored = s.service.find(s.op, number);
                REQUIRE(stored);
                REQUIRE(stored->acknowledged);
                CHECK(stored->acknowledged->reference_number == "INV/" + number);  // PHP's "\/" read back as '/'
            }
            break;
        }
        const bool closes = std::string{shape.head}.find("Connection: close") != std::string::npos;
        if (closes) {
            CHECK(answer.headers.find("Connection: close") != std::string::npos);
            CHECK(c.closed_by_server());
        } else {
            // Kept alive, as the client expects: the next call goes on the same connection.
            c.send(test_support::get_request("/healthz"));
            const auto next = c.read_response();
            REQUIRE(next);
            CHECK(next->status == 200);
        }
    }
}

}  // namespace

TEST_CASE("the bytes of common HTTP clients work unchanged, compatible mode", "[http][compatibility]")
{
    REQUIRE(corpus().size() >= 40);
    replay_corpus(http::error_mode::compatible);
}

TEST_CASE("the bytes of common HTTP clients work unchanged, strict mode", "[http][compatibility]")
{
    replay_corpus(http::error_mode::strict);
}
