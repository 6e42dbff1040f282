// The server over TLS (server_options::tls_*), with a certificate made here by openssl, called
// as billing systems do: curl and Python's ssl module. Refused: TLS 1.0 and 1.1, plain HTTP on
// the TLS port; cut: a handshake that stalls, at the read timeout; reloaded: the certificate,
// for new connections, while one already open goes on. OpenSSL 3's default security level
// refuses TLS 1.0 and 1.1 too, so that check cannot tell the server's own minimum from the
// library's; it shows what a client meets.
#include "http_fixture.hpp"
#include "raw_http_client.hpp"
#include "running_server.hpp"

#include "command.hpp"
#include "test_certificate.hpp"
#include "temporary_directory.hpp"

#include <netflix_charges/http/server.hpp>

#include <fstream>
#include <optional>
#include <thread>

using namespace http_tests;

namespace {

using test_support::make_certificate;

struct tls_server {
    test_support::temporary_directory folder;
    std::string cert = folder.file("cert.pem");
    std::string key = folder.file("key.pem");
    memory_store store;
    charges_service service{store};
    jwt_authenticator auth{store, fixture::auth_options()};
    http::handler api{service, auth};
    std::optional<running_server> server;

    tls_server()
    {
        make_certificate(cert, key, "first");
        http::server_options options;
        options.tls_certificate_file = cert;
        options.tls_private_key_file = key;
        options.read_timeout = std::chrono::milliseconds{500};
        server.emplace(api, options);
    }

    std::string url(const std::string& path) const { return "https://127.0.0.1:" + std::to_string(server->port()) + path; }

    // Python's ssl module: prints the answer's body, or the error and exits 1.
    test_support::command_result python(const std::string& path, const std::string& tls_setup = "") const
    {
        const std::string script = "import ssl, sys, urllib.request\n"
                                   "ctx = ssl.create_default_context(cafile='" + cert + "')\n" + tls_setup +
                                   "try:\n"
                                   "    answer = urllib.request.urlopen('" + url(path) + "', context=ctx, timeout=5)\n"
                                   "    print(answer.read().decode())\n"
                                   "except Exception as e:\n"
                                   "    print('error:', e)\n"
                                   "    sys.exit(1)\n";
        return test_support::run({"/usr/bin/python3", "-c", script});
    }
};

}  // namespace

TEST_CASE("over TLS, curl and Python's ssl module call the API", "[http][tls]")
{
    tls_server s;
    const auto curl = test_support::run({"/usr/bin/curl", "-s", "--cacert", s.cert, s.url("/readyz")});
    CHECK(curl.exit_code == 0);
    CHECK(curl.out.find(R"("code":"OK")") != std::string::npos);
    const auto login = test_support::run(
        {"/usr/bin/curl", "-s", "--cacert", s.cert, "-H", "Content-Type: application/json", "--data",
         R"({"username":"nobody","password":"wrong password","organisation":"ps_dev"})",
         s.url("/crmapi/rest/v2/authentication/token")});
    CHECK(login.out.find("INVALID_CREDENTIALS") != std::string::npos);  // a whole API answer over TLS

    const auto python = s.python("/healthz");
    CHECK(python.exit_code == 0);
    CHECK(python.out.find(R"("code":"OK")") != std::string::npos);
}

TEST_CASE("over TLS, TLS 1.0 and 1.1 and plain HTTP are refused and a stalled handshake is cut", "[http][tls]")
{
    tls_server s;
    for (const std::string version : {"TLSv1", "TLSv1_1"}) {
        INFO(version);
        const auto old = s.python("/healthz", "ctx.set_ciphers('DEFAULT:@SECLEVEL=0')\n"
                                              "ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion." + version + "\n");
        CHECK(old.exit_code == 1);
        CHECK(old.out.find("error:") != std::string::npos);
    }

    test_support::raw_connection plain{s.server->port()};
    plain.send(test_support::get_request("/healthz"));
    CHECK_FALSE(plain.read_response(std::chrono::seconds{2}));  // no HTTP answer: the handshake failed

    test_support::raw_connection stalled{s.server->port()};
    const auto started = std::chrono::steady_clock::now();
    CHECK(stalled.closed_by_server(std::chrono::seconds{3}));
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds{1500});  // read timeout 500 ms
}

TEST_CASE("over TLS, a reloaded certificate serves new connections; a bad one is refused and the old kept",
          "[http][tls]")
{
    tls_server s;
    const std::string print_subject = "import socket, ssl\n"
                                      "ctx = ssl.create_default_context(cafile='" + s.cert + "')\n"
                                      "with socket.create_connection(('127.0.0.1', " + std::to_string(s.server->port()) +
                                      ")) as raw:\n"
                                      "    with ctx.wrap_socket(raw, server_hostname='127.0.0.1') as tls:\n"
                                      "        print(dict(x[0] for x in tls.getpeercert()['subject'])['commonName'])\n";
    CHECK(test_support::run({"/usr/bin/python3", "-c", print_subject}).out == "first\n");

    // A client with a connection open across the reload: it asks, waits for the reload, asks
    // again on the same connection (http.client keeps it).
    const auto reloaded = s.folder.file("reloaded");
    const std::string keep_alive = "import http.client, os, ssl, time\n"
                                   "ctx = ssl.create_default_context(cafile='" + s.cert + "')\n"
                                   "c = http.client.HTTPSConnection('127.0.0.1', " + std::to_string(s.server->port()) +
                                   ", context=ctx)\n"
                                   "c.request('GET', '/healthz'); print(c.getresponse().read().decode(), flush=True)\n"
                                   "while not os.path.exists('" + reloaded + "'): time.sleep(0.05)\n"
                                   "c.request('GET', '/healthz'); print(c.getresponse().read().decode(), flush=True)\n"
                                   "print(c.sock.getpeercert()['subject'], flush=True)\n";
    test_support::process client{{"/usr/bin/python3", "-c", keep_alive}};
    std::this_thread::sleep_for(std::chrono::milliseconds{300});  // its first request answered

    make_certificate(s.cert, s.key, "second");  // the files replaced, as a renewal does
    s.server->server.reload_tls();
    CHECK(test_support::run({"/usr/bin/python3", "-c", print_subject}).out == "second\n");

    std::ofstream{reloaded} << "go";
    const auto kept = client.wait();
    CHECK(kept.exit_code == 0);
    CHECK(kept.out.find(R"("code":"OK")") != kept.out.rfind(R"("code":"OK")"));  // two answers
    CHECK(kept.out.find("'first'") != std::string::npos);  // still on the first certificate's connection

    test_support::temporary_directory other;
    make_certificate(other.file("cert.pem"), other.file("key.pem"), "third");
    std::rename(other.file("key.pem").c_str(), s.key.c_str());  // a key that is not the certificate's
    CHECK_THROWS(s.server->server.reload_tls());
    CHECK(test_support::run({"/usr/bin/python3", "-c", print_subject}).out == "second\n");
}
