// HTTP benchmarks: requests per second and p99 latency of list (50 charges) and acknowledge
// (50 items) through the netflix_charges server on SQLite, against a bare Beast server that
// answers constant bodies of the same sizes; same load generator (wrk), connections and
// threads, same run; sequential pages deep in the backlog against pages near its start; and
// billing systems draining their backlogs (list 50, acknowledge them, until none is left) over
// HTTP, against raw sqlite3 doing the same reads and updates on the same file; and acknowledge
// with group commit on against off, each run on a fresh copy of a database of its own.
// Prints `ratio <name> <value>` lines and the server's resident memory.
#include <netflix_charges/http/handler.hpp>
#include <netflix_charges/http/server.hpp>
#include <netflix_charges/jwt_authenticator.hpp>
#include <netflix_charges/netflix_charges.hpp>
#include <netflix_charges/sqlite_store.hpp>

#include "raw_sqlite.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <thread>

#include <sys/resource.h>

namespace nc = netflix_charges;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {

const nc::operator_id op{"bench"};
const std::string customer = "bench-customer";

// The baseline: Beast's smallest asynchronous keep-alive server, answering a constant body.
class bare_server {
public:
    bare_server(std::string list_body, std::string ack_body, std::size_t threads)
        : list_body_(std::move(list_body)), ack_body_(std::move(ack_body)), io_(static_cast<int>(threads)),
          acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0})
    {
        accept();
        for (std::size_t i = 0; i < threads; ++i) pool_.emplace_back([this] { io_.run(); });
    }
    ~bare_server()
    {
        io_.stop();
        for (auto& t : pool_) t.join();
    }
    unsigned short port() const { return acceptor_.local_endpoint().port(); }

private:
    struct session : std::enable_shared_from_this<session> {
        beast::tcp_stream stream;
        beast::flat_buffer buffer;
        bhttp::request<bhttp::string_body> request;
        bhttp::response<bhttp::string_body> response;
        const bare_server& owner;
        session(tcp::socket s, const bare_server& o) : stream(std::move(s)), owner(o) {}
        void read()
        {
            request = {};
            bhttp::async_read(stream, buffer, request, [self = shared_from_this()](beast::error_code ec, std::size_t) {
                if (ec) return;
                self->response = {bhttp::status::ok, self->request.version()};
                self->response.set(bhttp::field::content_type, "application/json");
                self->response.body() = self->request.method() == bhttp::verb::get ? self->owner.list_body_ : self->owner.ack_body_;
                self->response.keep_alive(self->request.keep_alive());
                self->response.prepare_payload();
                bhttp::async_write(self->stream, self->response, [self](beast::error_code e, std::size_t) {
                    if (!e) self->read();
                });
            });
        }
    };
    void accept()
    {
        acceptor_.async_accept(asio::make_strand(io_), [this](beast::error_code ec, tcp::socket s) {
            if (!ec) std::make_shared<session>(std::move(s), *this)->read();
            accept();
        });
    }
    std::string list_body_, ack_body_;
    asio::io_context io_;
    tcp::acceptor acceptor_;
    std::vector<std::thread> pool_;
};

struct load_result {
    double requests_per_second = 0;
    double p99_ms = 0;
    double server_cpu_us = 0;  // CPU time of this process (the server under load) per request
    std::size_t requests = 0;
    std::size_t not_2xx = 0;  // answers with another status than 2xx or 3xx
};

double process_cpu_seconds()
{
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double to_ms(const std::string& value, const std::string& unit)
{
    const double v = std::stod(value);
    return unit == "us" ? v / 1000 : unit == "s" ? v * 1000 : v;
}

// Runs wrk against `url` with an optional Lua script; parses requests/s and the 99th percentile.
load_result wrk(const std::string& url, const std::string& script, int connections, int seconds)
{
    const std::string command = "wrk -t2 -c" + std::to_string(connections) + " -d" + std::to_string(seconds) +
                                "s --latency " + (script.empty() ? "" : "-s '" + script + "' ") + "'" + url + "' 2>&1";
    std::string output;
    const double cpu_before = process_cpu_seconds();
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) throw std::runtime_error("cannot run wrk");
    char chunk[4096];
    while (std::fgets(chunk, sizeof chunk, pipe)) output += chunk;
    ::pclose(pipe);
    const double cpu = process_cpu_seconds() - cpu_before;
    load_result r;
    std::smatch m;
    if (std::regex_search(output, m, std::regex{R"(Requests/sec:\s+([0-9.]+))"})) r.requests_per_second = std::stod(m[1]);
    if (std::regex_search(output, m, std::regex{R"(99%\s+([0-9.]+)(us|ms|s))"})) r.p99_ms = to_ms(m[1], m[2]);
    if (std::regex_search(output, m, std::regex{R"(([0-9]+) requests in)"})) {
        r.requests = std::stoul(m[1]);
        r.server_cpu_us = cpu * 1e6 / std::stod(m[1]);
    }
    if (std::regex_search(output, m, std::regex{R"(Non-2xx or 3xx responses:\s+([0-9]+))"})) r.not_2xx = std::stoul(m[1]);
    if (r.requests_per_second == 0 || r.server_cpu_us == 0) throw std::runtime_error("wrk gave no figures:\n" + output);
    return r;
}

// Issues `count` sample charges of the bench's customer to the operator, numbered from 0.
void issue_samples(nc::charges_service& service, const nc::operator_id& to, std::size_t count, nc::timestamp start)
{
    for (std::size_t first = 0; first < count; first += 10000) {
        auto chunk = nc::sample_charges(first, std::min<std::size_t>(10000, count - first), start);
        for (auto& c : chunk) c.billing_system_customer_identifier = customer;
        service.issue_many(to, chunk);
    }
}

long resident_kib()
{
    std::ifstream status{"/proc/self/status"};
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return 0;
}

void write_file(const std::string& path, const std::string& text) { std::ofstream{path} << text; }

// The text of each `"name":"value"` of a list answer, in order (the values need no unescaping).
std::vector<std::string> values_of(const std::string& body, const std::string& name)
{
    std::vector<std::string> values;
    const std::string key = "\"" + name + "\":\"";
    for (auto at = body.find(key); at != std::string::npos; at = body.find(key, at)) {
        at += key.size();
        const auto end = body.find('"', at);
        values.push_back(body.substr(at, end - at));
    }
    return values;
}

// One billing system draining its backlog as CRM.COM documents it: list 50 at offset 0,
// acknowledge them with reference numbers, and again, until the list is empty. Returns the
// charges it acknowledged.
std::size_t drain_over_http(unsigned short port, const std::string& token)
{
    asio::io_context io;
    beast::tcp_stream stream{io};
    const tcp::endpoint server{asio::ip::make_address("127.0.0.1"), port};
    stream.connect(server);
    beast::flat_buffer buffer;
    const auto exchange = [&](bhttp::request<bhttp::string_body> request) {
        request.set(bhttp::field::host, "localhost");
        request.prepare_payload();
        bhttp::write(stream, request);
        bhttp::response<bhttp::string_body> answer;
        bhttp::read(stream, buffer, answer);
        if (answer.result() != bhttp::status::ok) throw std::runtime_error("drain: " + answer.body());
        if (!answer.keep_alive()) {  // the server's limit of requests per connection: as clients do, connect again
            beast::error_code ignored;
            stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
            stream.close();
            buffer.clear();
            stream.connect(server);
        }
        return std::move(answer.body());
    };
    const std::string list_target = "/crmapi/rest/v2/netflix/charges/list?token=" + token +
                                    "&number_of_results=50&charge_status=NOT_PROCESSED&offset=0";
    std::size_t acknowledged = 0;
    for (;;) {
        const auto page = exchange({bhttp::verb::get, list_target, 11});
        const auto numbers = values_of(page, "number");
        const auto customers = values_of(page, "billing_system_customer_identifier");
        if (numbers.empty()) return acknowledged;
        std::string body = R"({"token":")" + token + R"(","acknowledged_charges_set":[)";
        for (std::size_t i = 0; i < numbers.size(); ++i)
            body += (i ? "," : "") + std::string{R"({"number":")"} + numbers[i] +
                    R"(","billing_system_customer_identifier":")" + customers[i] + R"(","reference_number":"D-)" +
                    numbers[i] + R"("})";
        body += "]}";
        bhttp::request<bhttp::string_body> post{bhttp::verb::post, "/crmapi/rest/v2/netflix/charges/acknowledge", 11};
        post.set(bhttp::field::content_type, "application/json");
        post.body() = std::move(body);
        if (exchange(std::move(post)).find(R"("failed_charges_set":[])") == std::string::npos)
            throw std::runtime_error("drain: an acknowledgement failed");
        acknowledged += numbers.size();
    }
}

// The same drain with raw sqlite3: the same list read, the same updates, in one transaction each.
std::size_t drain_raw(const std::string& path, const std::string& operator_name, std::int64_t now)
{
    bench::raw_sqlite raw{path};
    std::size_t acknowledged = 0;
    for (;;) {
        auto page = raw.first_unacknowledged(operator_name, 50);
        if (page.empty()) return acknowledged;
        for (auto& item : page) item.reference_number = "D-" + item.number;
        raw.acknowledge(operator_name, page, now);
        acknowledged += page.size();
    }
}

// Charges per second of `clients` drains at once, each by `drain(k)`.
template <typename Drain>
double drain_rate(std::size_t clients, Drain drain)
{
    std::vector<std::size_t> done(clients);
    std::vector<std::thread> threads;
    const auto started = std::chrono::steady_clock::now();
    for (std::size_t k = 0; k < clients; ++k) threads.emplace_back([&, k] { done[k] = drain(k); });
    for (auto& t : threads) t.join();
    const std::chrono::duration<double> spent = std::chrono::steady_clock::now() - started;
    std::size_t total = 0;
    for (const auto n : done) total += n;
    return static_cast<double>(total) / spent.count();
}

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{"netflix_charges HTTP benchmarks (needs wrk)"};
    std::string folder = (std::filesystem::temp_directory_path() / "netflix_charges_http_bench").string();
    std::size_t charges = 1000000;
    int seconds = 10;
    int connections = 16;
    int rounds = 3;
    std::size_t threads = 2;
    int handler_calls = 20000;
    std::size_t drained = 100000;
    std::size_t acknowledged = 600000;
    int acknowledge_seconds = 3;
    app.add_option("--dir", folder, "Where the database and wrk scripts are made");
    app.add_option("--charges", charges, "Charges in the database");
    app.add_option("--seconds", seconds, "Length of each wrk run");
    app.add_option("--connections", connections, "wrk connections");
    app.add_option("--rounds", rounds, "Alternating rounds of list, and of acknowledge on and off (the median counts)")
        ->check(CLI::PositiveNumber);
    app.add_option("--acknowledged", acknowledged, "Charges of the acknowledge runs' database (each run takes from a fresh copy)");
    app.add_option("--acknowledge-seconds", acknowledge_seconds, "Length of each acknowledge run");
    app.add_option("--threads", threads, "Server threads (both servers)");
    app.add_option("--handler-calls", handler_calls, "List calls to the handler alone (without a socket)");
    app.add_option("--drained", drained, "Charges each drain empties (one client, and 8 clients together)");
    CLI11_PARSE(app, argc, argv);
    std::filesystem::remove_all(folder);
    std::filesystem::create_directories(folder);

    const auto db = folder + "/bench.db";
    nc::sqlite_store store{db};
    nc::charges_service service{store};
    nc::jwt_options auth_options;
    auth_options.password_iterations = 1000;
    nc::jwt_authenticator auth{store, auth_options};
    auth.add_user(op, "bench", "", "bench-password");
    const auto token = auth.login("bench", "bench-password", "bench", std::nullopt).token;
    const auto start = *nc::parse_timestamp("2026-01-01T00:00:00");
    issue_samples(service, op, charges, start);
    std::printf("database: %zu charges\n", charges);

    // The drains' backlogs, on the same file: for one client and for 8, ours and raw sqlite3's;
    // each its own operator, so that no two drains meet.
    const auto drain_operator = [](const char* who, std::size_t clients, std::size_t k) {
        return std::string{who} + "-" + std::to_string(clients) + "-" + std::to_string(k);
    };
    std::vector<std::string> drain_tokens[9];  // by client count, the HTTP drains' tokens
    for (const std::size_t clients : {std::size_t{1}, std::size_t{8}}) {
        for (std::size_t k = 0; k < clients; ++k) {
            const auto backlog = nc::sample_charges(0, drained / clients, start);
            for (const char* who : {"ours", "raw"}) service.issue_many(nc::operator_id{drain_operator(who, clients, k)}, backlog);
            const nc::operator_id ours_op{drain_operator("ours", clients, k)};
            auth.add_user(ours_op, "bench", "", "bench-password");
            drain_tokens[clients].push_back(auth.login("bench", "bench-password", ours_op.value(), std::nullopt).token);
        }
    }

    nc::http::handler api{service, auth};
    nc::http::server_options server_options;
    server_options.port = 0;
    server_options.threads = threads;
    nc::http::server server{api, server_options};
    std::thread runner{[&] { server.run(); }};
    const std::string ours = "http://127.0.0.1:" + std::to_string(server.port());
    const std::string list_path = "/crmapi/rest/v2/netflix/charges/list?token=" + token +
                                  "&number_of_results=50&charge_status=NOT_PROCESSED&offset=0";

    // The bare server answers bodies of the same sizes as ours.
    const auto list_body = api({"GET", list_path, {}, {}}).body;
    std::printf("list answer: %zu bytes\n", list_body.size());
    // What wrk will be answered, checked once over a socket: a whole list, not an error.
    {
        boost::asio::ip::tcp::iostream probe{"127.0.0.1", std::to_string(server.port())};
        probe << "GET " << list_path << " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" << std::flush;
        const std::string answer{std::istreambuf_iterator<char>{probe}, {}};
        if (answer.find(list_body) == std::string::npos) {
            std::fprintf(stderr, "the server's list answer over a socket is not the expected one:\n%.400s\n", answer.c_str());
            return 1;
        }
    }
    // The handler alone, without a socket: what the adapter adds per list request.
    {
        const nc::http::request list_request{"GET", list_path, {{"Host", "localhost"}}, {}};
        const auto started = std::chrono::steady_clock::now();
        for (int i = 0; i < handler_calls; ++i)
            if (api(list_request).body.size() != list_body.size()) throw std::runtime_error("the list answer changed");
        const std::chrono::duration<double, std::micro> spent = std::chrono::steady_clock::now() - started;
        std::printf("handler alone: %.2f us per list request\n", spent.count() / handler_calls);
    }
    const std::string ack_body = R"({"data":{"failed_charges_set":[]},"status":{"code":"OK","description":"","message":""}})";
    bare_server bare{list_body, ack_body, threads};
    const std::string baseline = "http://127.0.0.1:" + std::to_string(bare.port());

    // Acknowledge, group commit on and off: each wrk thread acknowledges its own half of the
    // charges of a database made for it, 50 a request, each charge once: every request is real
    // work (a commit), never a replay. The database has the same operator and user as the main
    // one, and `acknowledged` charges; each run gets a fresh copy, with the user, its signing key
    // and the charges.
    const auto ack_db = folder + "/acknowledge.db";
    std::string ack_token;
    {
        nc::sqlite_store ack_store{ack_db};
        nc::charges_service ack_service{ack_store};
        nc::jwt_authenticator ack_auth{ack_store, auth_options};
        ack_auth.add_user(op, "bench", "", "bench-password");
        ack_token = ack_auth.login("bench", "bench-password", "bench", std::nullopt).token;
        issue_samples(ack_service, op, acknowledged, start);
    }
    // The script. `capped`: a thread that has used its half up asks for a path that does not
    // exist (a 404, which stops the bench) rather than for charges beyond it; the bare server,
    // which answers every POST alike, gets it uncapped.
    const std::size_t per_thread = acknowledged / 2;  // wrk -t2
    const auto acknowledge_script = [&](const std::string& name, bool capped) {
        const auto path = folder + "/" + name + ".lua";
        const std::string cap = "  if first + 50 > (id + 1) * " + std::to_string(per_thread) +
                                " then return wrk.format(\"GET\", \"/out-of-charges\") end\n";
        write_file(path, R"(
local counter = 0
local threads = 0
function setup(thread) thread:set("id", threads); threads = threads + 1 end
function request()
  local first = id * )" + std::to_string(per_thread) + R"( + counter * 50
  counter = counter + 1
)" + (capped ? cap : "") + R"(  local items = {}
  for i = 0, 49 do
    items[#items + 1] = string.format('{"number":"I%010d","billing_system_customer_identifier":")" + customer +
                                R"(","reference_number":"B%d-%d"}', first + i, id, first + i)
  end
  local body = '{"token":")" + ack_token + R"(","acknowledged_charges_set":[' .. table.concat(items, ",") .. ']}'
  return wrk.format("POST", "/crmapi/rest/v2/netflix/charges/acknowledge", {["Content-Type"] = "application/json"}, body)
end
)");
        return path;
    };
    const auto ack_script = acknowledge_script("acknowledge", true);
    // A run's figures count only if every request it counted acknowledged its 50 charges (an
    // error answer in the compatible mode is a 200, as is an item that failed).
    const auto acknowledge_run = [&](bool group_commit) {
        const auto run_db = folder + "/acknowledge_run.db";
        for (const auto* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(run_db + suffix);
        std::filesystem::copy_file(ack_db, run_db);
        nc::sqlite_options options;
        options.group_commit = group_commit;
        nc::sqlite_store run_store{run_db, options};
        nc::charges_service run_service{run_store};
        nc::jwt_authenticator run_auth{run_store, auth_options};
        nc::http::handler run_api{run_service, run_auth};
        nc::http::server run_server{run_api, server_options};
        std::thread run_runner{[&] { run_server.run(); }};
        const auto result = wrk("http://127.0.0.1:" + std::to_string(run_server.port()), ack_script, connections,
                                acknowledge_seconds);
        run_server.stop();
        run_runner.join();
        if (result.not_2xx != 0)
            throw std::runtime_error(std::to_string(result.not_2xx) + " acknowledge answers were not 2xx: a thread "
                                     "used its charges up (give it more with --acknowledged), or the server was busy");
        std::uint64_t left = 0;
        for (const auto& backlog : run_store.backlogs()) left += backlog.not_processed + backlog.processed;
        if (acknowledged - left < result.requests * 50)
            throw std::runtime_error("an acknowledge run counted " + std::to_string(result.requests) +
                                     " requests, but only " + std::to_string(acknowledged - left) +
                                     " charges were acknowledged: some answers were errors");
        return result;
    };

    // Alternating rounds, so that both servers see the same machine; the median round counts.
    auto median_of = [&](const std::string& our_url, const std::string& bare_url, const std::string& script, int count) {
        std::vector<std::pair<load_result, load_result>> runs;
        for (int round = 0; round < count; ++round) {
            const auto bare_run = wrk(bare_url, script, connections, seconds);
            runs.emplace_back(wrk(our_url, script, connections, seconds), bare_run);
        }
        std::sort(runs.begin(), runs.end(), [](const auto& a, const auto& b) {
            return a.first.requests_per_second / a.second.requests_per_second <
                   b.first.requests_per_second / b.second.requests_per_second;
        });
        return runs[runs.size() / 2];
    };
    const auto [list_ours, list_bare] = median_of(ours + list_path, baseline + list_path, "", rounds);
    const long rss = resident_kib();  // after reading from the 1M-charge database

    // The same list over TLS, from a second server on the same handler with a certificate
    // made here (wrk keeps its connections, as pollers do: the handshake is paid once each).
    load_result list_tls;
    {
        const auto cert = folder + "/cert.pem";
        const auto key = folder + "/key.pem";
        const auto make = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "
                          "/CN=127.0.0.1 -keyout " + key + " -out " + cert + " 2>/dev/null";
        if (std::system(make.c_str()) != 0) throw std::runtime_error("openssl could not make a certificate");
        auto tls_options = server_options;
        tls_options.tls_certificate_file = cert;
        tls_options.tls_private_key_file = key;
        nc::http::server tls_server{api, tls_options};
        std::thread tls_runner{[&] { tls_server.run(); }};
        list_tls = wrk("https://127.0.0.1:" + std::to_string(tls_server.port()) + list_path, "", connections, seconds);
        tls_server.stop();
        tls_runner.join();
    }

    // Paging as CRM.COM documents it: each request the next page (offset + 50) of a window of
    // 600 pages, near offset 0 and near the end of the backlog. The window is larger than the
    // store's cache of pages (256), so a page is read, not remembered.
    auto paging_script = [&](std::size_t first_offset, const char* name) {
        const auto path = folder + "/" + name + ".lua";
        write_file(path, R"(
local counter = 0
local threads = 0
function setup(thread) thread:set("id", threads); threads = threads + 1 end
function request()
  local page = (counter * 2 + id) % 600
  counter = counter + 1
  return wrk.format("GET", "/crmapi/rest/v2/netflix/charges/list?token=)" + token +
                               R"(&number_of_results=50&charge_status=NOT_PROCESSED&offset=" .. ()" +
                               std::to_string(first_offset) + R"( + page * 50))
end
)");
        return wrk(ours, path, connections, seconds);
    };
    const auto first_pages = paging_script(0, "first_pages");
    const auto deep_pages = paging_script(charges > 30000 ? charges - 30000 : 0, "deep_pages");
    // Off and on take turns, each first in every other round; the median of each counts.
    std::vector<load_result> ack_runs[2];  // off, on
    for (int round = 0; round < rounds; ++round)
        for (const bool second : {false, true}) {
            const bool on = second != (round % 2 == 1);
            ack_runs[on].push_back(acknowledge_run(on));
        }
    for (auto& runs : ack_runs)
        std::sort(runs.begin(), runs.end(),
                  [](const auto& a, const auto& b) { return a.requests_per_second < b.requests_per_second; });
    const auto ack_off = ack_runs[0][ack_runs[0].size() / 2];
    const auto ack_ours = ack_runs[1][ack_runs[1].size() / 2];
    const auto ack_bare = wrk(baseline, acknowledge_script("acknowledge_uncapped", false), connections, acknowledge_seconds);

    const auto now = start.time_since_epoch().count() + 86400;
    double drain_ours[9] = {}, drain_raw_rate[9] = {};
    for (const std::size_t clients : {std::size_t{1}, std::size_t{8}}) {
        drain_raw_rate[clients] = drain_rate(clients, [&](std::size_t k) { return drain_raw(db, drain_operator("raw", clients, k), now); });
        drain_ours[clients] =
            drain_rate(clients, [&](std::size_t k) { return drain_over_http(server.port(), drain_tokens[clients][k]); });
    }

    std::printf("list 50:        ours %.0f req/s p99 %.2f ms %.1f us CPU/req; bare Beast %.0f req/s p99 %.2f ms %.1f us CPU/req\n",
                list_ours.requests_per_second, list_ours.p99_ms, list_ours.server_cpu_us, list_bare.requests_per_second,
                list_bare.p99_ms, list_bare.server_cpu_us);
    std::printf("acknowledge 50: ours %.0f req/s p99 %.2f ms %.1f us CPU/req; bare Beast %.0f req/s p99 %.2f ms %.1f us CPU/req\n",
                ack_ours.requests_per_second, ack_ours.p99_ms, ack_ours.server_cpu_us, ack_bare.requests_per_second,
                ack_bare.p99_ms, ack_bare.server_cpu_us);
    std::printf("acknowledge 50, group commit off: %.0f req/s p99 %.2f ms\n", ack_off.requests_per_second, ack_off.p99_ms);
    for (const bool on : {false, true}) {
        std::printf("acknowledge runs, group commit %s (req/s):", on ? "on" : "off");
        for (const auto& run : ack_runs[on]) std::printf(" %.0f", run.requests_per_second);
        std::printf("\n");
    }
    std::printf("resident memory with %zu charges: %.1f MiB\n", charges, static_cast<double>(rss) / 1024);
    std::printf("ratio list_vs_bare_beast %.3f\n", list_ours.requests_per_second / list_bare.requests_per_second);
    std::printf("ratio acknowledge_vs_bare_beast %.3f\n", ack_ours.requests_per_second / ack_bare.requests_per_second);
    std::printf("ratio acknowledge_group_commit_vs_off %.3f\n", ack_ours.requests_per_second / ack_off.requests_per_second);
    std::printf("list 50 over TLS: %.0f req/s p99 %.2f ms %.1f us CPU/req\n", list_tls.requests_per_second, list_tls.p99_ms,
                list_tls.server_cpu_us);
    std::printf("ratio list_tls_vs_plain %.3f\n", list_tls.requests_per_second / list_ours.requests_per_second);
    std::printf("ratio list_p99_vs_bare_beast %.3f\n", list_ours.p99_ms / list_bare.p99_ms);
    std::printf("ratio list_cpu_per_request_vs_bare_beast %.3f\n", list_ours.server_cpu_us / list_bare.server_cpu_us);
    std::printf("sequential pages: near offset 0 %.0f req/s p99 %.2f ms; the last 30,000 of %zu %.0f req/s p99 %.2f ms\n",
                first_pages.requests_per_second, first_pages.p99_ms, charges, deep_pages.requests_per_second,
                deep_pages.p99_ms);
    // A cost per page: how much longer a deep page takes than a first one (target <= 2).
    std::printf("ratio list_deep_vs_first %.3f\n", first_pages.requests_per_second / deep_pages.requests_per_second);

    for (const std::size_t clients : {std::size_t{1}, std::size_t{8}})
        std::printf("drain of %zu charges by %zu client(s): ours over HTTP %.0f charges/s, raw sqlite3 %.0f charges/s\n",
                    drained, clients, drain_ours[clients], drain_raw_rate[clients]);
    std::printf("ratio drain_vs_raw_sqlite %.3f\n", drain_ours[1] / drain_raw_rate[1]);
    std::printf("ratio drain_8_clients_vs_raw_sqlite %.3f\n", drain_ours[8] / drain_raw_rate[8]);

    server.stop();
    runner.join();
    std::filesystem::remove_all(folder);
    return 0;
}
