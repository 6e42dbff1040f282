#include <netflix_charges/http/server.hpp>

#include "beast_request.hpp"

#include <fmt/format.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <atomic>
#include <functional>
#include <optional>
#include <mutex>
#include <thread>
#include <type_traits>
#include <unordered_set>
#include <vector>

namespace netflix_charges::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

class session_base;

std::size_t password_check_threads(const server_options& o)
{
    if (o.password_check_threads > 0) return o.password_check_threads;
    return std::max<std::size_t>(1, std::thread::hardware_concurrency() / 2);
}

// What every connection shares: options, the handler, and the live sessions (for stop()).
struct shared_state {
    shared_state(const handler& h, server_options o, asio::thread_pool& checks, asio::thread_pool& charge_writes)
        : api(h), options(std::move(o)), password_checks(checks), writes(charge_writes)
    {
    }

    const handler& api;
    server_options options;
    asio::thread_pool& password_checks;  // the server's, as `writes`: they outlive every request
    asio::thread_pool& writes;
    std::atomic<std::size_t> password_checks_taken{0};  // running or waiting
    std::atomic<bool> stopping{false};
    std::atomic<std::size_t> connections{0};
    std::mutex sessions_mutex;
    std::unordered_set<session_base*> sessions;

    void log(log_level level, const std::string& message) const
    {
        if (options.log) options.log(level, message);
    }
};

// What the server's stop() and sweeper see of a connection, plain or TLS.
class session_base : public std::enable_shared_from_this<session_base> {
public:
    virtual ~session_base() = default;
    virtual void stop() = 0;
    virtual void check_deadline(std::chrono::steady_clock::time_point now) = 0;
};

using tls_stream = beast::ssl_stream<beast::tcp_stream>;

// One connection: read a request, answer it, again, on its own strand. Each phase (waiting for a
// request, receiving it, writing the answer) sets a deadline; the server's sweeper cancels the
// socket of a session past its deadline, so a stalled request still gets its 408. No timer is
// armed per request: that costs system calls, and this is the hot path. Over TLS, the handshake
// comes first, under the read timeout.
template <typename Stream>
class session final : public session_base {
    static constexpr bool tls = std::is_same_v<Stream, tls_stream>;

public:
    // `context`: the TLS settings this connection keeps, however they are reloaded meanwhile.
    session(tcp::socket socket, std::shared_ptr<shared_state> state, std::shared_ptr<asio::ssl::context> context = {})
        : peer_address_(peer_of(socket)), context_(std::move(context)), stream_(make_stream(std::move(socket), context_)),
          state_(std::move(state)), buffer_(state_->options.header_limit + state_->options.body_limit)
    {
        ++state_->connections;
        std::lock_guard lock{state_->sessions_mutex};
        state_->sessions.insert(this);
    }

    ~session() override
    {
        --state_->connections;
        std::lock_guard lock{state_->sessions_mutex};
        state_->sessions.erase(this);
    }

    void start(bool over_capacity)
    {
        asio::dispatch(stream_.get_executor(), [self = me(), over_capacity] {
            if constexpr (tls) {
                self->set_deadline(self->state_->options.read_timeout);
                self->stream_.async_handshake(asio::ssl::stream_base::server, [self, over_capacity](beast::error_code ec) {
                    self->deadline_ = 0;
                    if (ec) return self->close();  // not TLS, an old version, a stalled handshake
                    self->begin(over_capacity);
                });
            } else {
                self->begin(over_capacity);
            }
        });
    }

    // From stop(): an idle connection closes now; one with a request in flight finishes it.
    void stop() override
    {
        asio::dispatch(stream_.get_executor(), [self = me()] {
            if (self->waiting_for_request_) self->close();
        });
    }

private:
    std::shared_ptr<session> me() { return std::static_pointer_cast<session>(shared_from_this()); }

    static Stream make_stream(tcp::socket socket, const std::shared_ptr<asio::ssl::context>& context)
    {
        if constexpr (tls) return Stream{std::move(socket), *context};
        else return Stream{std::move(socket)};
    }

    tcp::socket& socket() { return beast::get_lowest_layer(stream_).socket(); }

    void begin(bool over_capacity)
    {
        if (over_capacity) answer_and_close(handler::transport_error(503));
        else read_request();
    }

    // Waiting for a request has the idle timeout; from its first byte on, the whole request
    // (head and body) has the read timeout, so a head that stalls gets its 408 in time.
    void read_request()
    {
        // The last answer promised keep-alive: close as after any last answer.
        if (state_->stopping) return linger_then_close();
        parser_.emplace();
        parser_->body_limit(state_->options.body_limit);
        parser_->header_limit(static_cast<std::uint32_t>(state_->options.header_limit));
        // Pipelined bytes already in the buffer start the next request at once.
        if (buffer_.size() > 0) return parse_arrived();
        wait_for_request();
    }

    void wait_for_request()
    {
        waiting_for_request_ = true;
        set_deadline(state_->options.idle_timeout);
        stream_.async_read_some(buffer_.prepare(std::min<std::size_t>(buffer_.max_size(), 64 * 1024)),
                                [self = me()](beast::error_code ec, std::size_t bytes) {
                                    self->buffer_.commit(bytes);
                                    self->waiting_for_request_ = false;
                                    if (ec) return self->close();  // idle timeout, the peer left, stop()
                                    self->parse_arrived();
                                });
    }

    // What has arrived is usually the whole request: it is parsed here, and Beast's reads carry
    // on only when the parser needs more. Empty lines before a request are skipped (RFC 9112
    // section 2.2: some clients send a CRLF after a body).
    void parse_arrived()
    {
        while (buffer_.size() >= 2 && std::string_view{static_cast<const char*>(buffer_.data().data()), 2} == "\r\n")
            buffer_.consume(2);
        if (buffer_.size() == 0) return wait_for_request();
        set_deadline(state_->options.read_timeout);
        parser_->eager(true);  // the body too, when it is there
        beast::error_code ec;
        buffer_.consume(parser_->put(buffer_.data(), ec));
        if (ec == bhttp::error::need_more) return parser_->is_header_done() ? on_head() : read_head();
        if (ec) return refuse(ec);
        on_head();
    }

    void read_head()
    {
        bhttp::async_read_header(stream_, buffer_, *parser_, [self = me()](beast::error_code ec, std::size_t) {
            if (ec) return self->refuse(ec);
            self->on_head();
        });
    }

    void on_head()
    {
        const auto& head = parser_->get();
        if (const auto problem = detail::ambiguous_length(head))
            return answer_and_close(handler::transport_error(400, *problem));
        if (parser_->is_done()) return serve();
        // RFC 9110 section 10.1.1: a client that sent `Expect: 100-continue` waits for this
        // before its body (.NET up to 350 ms, curl 1 s); other expectations are ignored.
        const auto expect = head[bhttp::field::expect];
        if (head.version() >= 11 && beast::iequals(expect, "100-continue")) {
            static constexpr std::string_view go_on = "HTTP/1.1 100 Continue\r\n\r\n";
            return asio::async_write(stream_, asio::buffer(go_on.data(), go_on.size()),
                                     [self = me()](beast::error_code ec, std::size_t) {
                                         if (ec) return self->close();
                                         self->read_body();
                                     });
        }
        read_body();
    }

    void read_body()
    {
        bhttp::async_read(stream_, buffer_, *parser_, [self = me()](beast::error_code ec, std::size_t) {
            if (ec) return self->refuse(ec);
            self->serve();
        });
    }

    // A request that could not be read whole: its answer, and the connection is closed. Errors
    // of the socket itself (the peer left, stop()) have nobody to answer.
    void refuse(beast::error_code ec)
    {
        if (ec == asio::error::operation_aborted && timed_out_) return answer_and_close(handler::transport_error(408));
        if (ec == bhttp::error::body_limit)
            return answer_and_close(handler::transport_error(
                413, fmt::format("The request body is larger than {} bytes", state_->options.body_limit)));
        if (ec == bhttp::error::header_limit)
            return answer_and_close(handler::transport_error(
                431, fmt::format("The request head is larger than {} bytes", state_->options.header_limit)));
        if (ec.category() != bhttp::make_error_code(bhttp::error::bad_target).category() ||
            ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message)
            return close();
        answer_and_close(handler::transport_error(400, "The request is not valid HTTP: " + ec.message()));
    }

    void serve()
    {
        const auto& message = parser_->get();
        ++served_;
        const bool keep_alive = message.keep_alive() && !state_->stopping &&
                                served_ < state_->options.max_requests_per_connection;
        auto request = detail::to_request(message);
        request.peer_address = peer_address_;
        const bool head = message.method() == bhttp::verb::head;
        switch (state_->api.work_of(request)) {
        case handler::work::password_check: return check_password(std::move(request), keep_alive, head);
        case handler::work::charge_write: return answer_on(state_->writes, std::move(request), keep_alive, head);
        case handler::work::quick: break;
        }
        write(state_->api(request), keep_alive, message.version(), head);
    }

    // On the password-check threads; or 503 at once when as many wait as may.
    void check_password(request r, bool keep_alive, bool head)
    {
        const auto& o = state_->options;
        if (state_->password_checks_taken.fetch_add(1) >= password_check_threads(o) + o.password_check_queue) {
            --state_->password_checks_taken;
            auto busy = handler::transport_error(503, "every password check is taken: try again in a moment");
            busy.headers.emplace_back("Retry-After", "1");
            return write(std::move(busy), keep_alive, parser_->get().version(), head);
        }
        answer_on(state_->password_checks, std::move(r), keep_alive, head,
                  [state = state_] { --state->password_checks_taken; });
    }

    // Answers `r` on `pool`'s threads, then `answered()` there, and writes the answer back on the
    // connection's strand. No deadline runs meanwhile: what waits for a pool is bounded (the
    // password checks by their queue, the writes by the connections).
    void answer_on(asio::thread_pool& pool, request r, bool keep_alive, bool head, std::function<void()> answered = {})
    {
        const auto version = parser_->get().version();
        deadline_ = 0;
        asio::post(pool, [self = me(), r = std::move(r), keep_alive, version, head, answered = std::move(answered)] {
            auto answer = self->state_->api(r);
            if (answered) answered();
            asio::post(self->stream_.get_executor(), [self, answer = std::move(answer), keep_alive, version, head]() mutable {
                self->write(std::move(answer), keep_alive, version, head);
            });
        });
    }

    void set_deadline(std::chrono::milliseconds after)
    {
        timed_out_ = false;
        deadline_ = (std::chrono::steady_clock::now() + after).time_since_epoch().count();
    }

public:
    // From the sweeper: past its deadline, the session's pending read or write is cancelled.
    void check_deadline(std::chrono::steady_clock::time_point now) override
    {
        const auto deadline = deadline_.load();
        if (deadline == 0 || now.time_since_epoch().count() < deadline) return;
        // The sweeper holds the sessions' mutex: it must not hold the last reference once the
        // handler is on its way, or the destructor (which takes that mutex) would run here.
        auto self = std::static_pointer_cast<session>(weak_from_this().lock());
        if (!self) return;  // being destroyed
        asio::dispatch(stream_.get_executor(), [self = std::move(self)] {
            const auto d = self->deadline_.load();
            if (d == 0 || std::chrono::steady_clock::now().time_since_epoch().count() < d) return;
            self->deadline_ = 0;
            self->timed_out_ = true;
            beast::error_code ignored;
            self->socket().cancel(ignored);
        });
    }

private:
    // In the request's version, and without a body for HEAD, once its head has been read.
    void answer_and_close(response answer)
    {
        const bool known = parser_ && parser_->is_header_done();
        write(std::move(answer), false, known ? parser_->get().version() : 11,
              known && parser_->get().method() == bhttp::verb::head);
    }

    // An answer to HEAD has the headers of the GET answer, Content-Length included, and no body.
    void write(response answer, bool keep_alive, unsigned version, bool head_only)
    {
        const auto length = answer.body.size();
        if (head_only) {
            auto out = std::make_shared<bhttp::response<bhttp::empty_body>>();
            fill(*out, answer, keep_alive, version);
            out->content_length(length);
            return send(std::move(out), keep_alive);
        }
        auto out = std::make_shared<bhttp::response<bhttp::string_body>>();
        fill(*out, answer, keep_alive, version);
        out->body() = std::move(answer.body);
        out->prepare_payload();
        send(std::move(out), keep_alive);
    }

    template <typename Message>
    static void fill(Message& out, const response& answer, bool keep_alive, unsigned version)
    {
        out.version(version);
        out.result(static_cast<unsigned>(answer.status));
        out.set(bhttp::field::server, "netflix_charges");
        for (const auto& [name, value] : answer.headers) out.set(name, value);
        out.keep_alive(keep_alive);
    }

    template <typename Message>
    void send(std::shared_ptr<Message> out, bool keep_alive)
    {
        set_deadline(state_->options.write_timeout);
        bhttp::async_write(stream_, *out, [self = me(), out, keep_alive](beast::error_code ec, std::size_t) {
            self->deadline_ = 0;
            if (ec) return self->close();
            if (!keep_alive) return self->linger_then_close();
            self->read_request();
        });
    }

    // After a last answer: stop sending, then read and drop what the client still sends, for a
    // moment, before closing. Closing a socket with unread bytes makes the kernel send a reset,
    // which can destroy the answer before the client has read it (the "lingering close" of
    // Apache httpd and nginx).
    void linger_then_close()
    {
        beast::error_code ignored;
        socket().shutdown(tcp::socket::shutdown_send, ignored);
        buffer_.clear();
        set_deadline(std::min(state_->options.read_timeout, std::chrono::milliseconds{1000}));
        drain(256 * 1024);
    }

    void drain(std::size_t budget)
    {
        const auto size = std::min<std::size_t>({budget, buffer_.max_size(), 16 * 1024});
        if (size == 0) return close();
        stream_.async_read_some(buffer_.prepare(size), [self = me(), budget](beast::error_code ec, std::size_t n) {
            self->buffer_.clear();
            if (ec) return self->close();  // the client's end of stream, the deadline, or stop()
            self->drain(budget - std::min(budget, n));
        });
    }

    void close()
    {
        deadline_ = 0;
        beast::error_code ignored;
        socket().shutdown(tcp::socket::shutdown_both, ignored);
        socket().close(ignored);
    }

    // The client's address, read once: a socket whose peer has gone already has none.
    static std::string peer_of(const tcp::socket& socket)
    {
        beast::error_code ec;
        const auto endpoint = socket.remote_endpoint(ec);
        return ec ? std::string{} : endpoint.address().to_string();
    }

    std::string peer_address_;
    std::shared_ptr<asio::ssl::context> context_;  // TLS only
    Stream stream_;
    std::shared_ptr<shared_state> state_;
    beast::flat_buffer buffer_;  // bounded: pipelined requests cannot pile up without limit
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    std::size_t served_ = 0;
    bool waiting_for_request_ = false;
    bool timed_out_ = false;
    std::atomic<std::chrono::steady_clock::rep> deadline_{0};  // 0: none
};

}  // namespace

// TLS 1.2 and 1.3 only; for 1.2, Mozilla's "intermediate" ciphers (forward secret AEAD only);
// TLS 1.3's suites are OpenSSL's defaults. Throws when the files cannot be read or do not match.
std::shared_ptr<asio::ssl::context> tls_context(const server_options& o)
{
    auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                         asio::ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(context->native_handle(),
                            "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                            "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305");
    context->use_certificate_chain_file(o.tls_certificate_file);
    context->use_private_key_file(o.tls_private_key_file, asio::ssl::context::pem);
    if (SSL_CTX_check_private_key(context->native_handle()) != 1)
        throw std::runtime_error("the TLS private key does not match the certificate");
    return context;
}

struct server::impl : std::enable_shared_from_this<server::impl> {
    asio::io_context io;
    tcp::acceptor acceptor;
    asio::thread_pool password_checks;  // both idle once run() has returned: every request was answered
    asio::thread_pool writes;
    std::shared_ptr<shared_state> state;
    std::mutex run_mutex;
    std::function<void()> on_stop;  // run_until_signal's: cancel the signal wait
    asio::steady_timer sweeper;       // checks the sessions' deadlines a few times a second
    std::mutex tls_mutex;
    std::shared_ptr<asio::ssl::context> tls;  // for new connections; null: plain HTTP

    impl(const handler& api, server_options options)
        : io(static_cast<int>(std::max<std::size_t>(1, options.threads))), acceptor(asio::make_strand(io)),
          password_checks(password_check_threads(options)), writes(std::max<std::size_t>(1, options.write_threads)),
          state(std::make_shared<shared_state>(api, std::move(options), password_checks, writes)),
          sweeper(acceptor.get_executor())
    {
        if (uses_tls()) tls = tls_context(state->options);
        const tcp::endpoint endpoint{asio::ip::make_address(state->options.address), state->options.port};
        acceptor.open(endpoint.protocol());
        acceptor.set_option(asio::socket_base::reuse_address(true));
        acceptor.bind(endpoint);
        acceptor.listen(asio::socket_base::max_listen_connections);
    }

    void accept()
    {
        acceptor.async_accept(asio::make_strand(io), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
            if (!self->acceptor.is_open()) return;  // stopped
            if (!ec) {
                const bool over_capacity = self->state->connections >= self->state->options.max_connections;
                // An answer may leave in several writes (TLS writes a record per buffer): without
                // this, Nagle's algorithm holds the last one for the client's delayed ACK (40 ms).
                beast::error_code ignored;
                socket.set_option(tcp::no_delay(true), ignored);
                if (auto context = self->current_tls())
                    std::make_shared<session<tls_stream>>(std::move(socket), self->state, std::move(context))->start(over_capacity);
                else
                    std::make_shared<session<beast::tcp_stream>>(std::move(socket), self->state)->start(over_capacity);
            } else {
                self->state->log(log_level::warning, "accept failed: " + ec.message());
            }
            self->accept();
        });
    }

    // The deadlines are checked every quarter of the shortest timeout (10 ms to 250 ms), so a
    // timeout fires at most that much late.
    std::chrono::milliseconds sweep_interval() const
    {
        const auto& o = state->options;
        const auto shortest = std::min({o.idle_timeout, o.read_timeout, o.write_timeout});
        return std::clamp(shortest / 4, std::chrono::milliseconds{10}, std::chrono::milliseconds{250});
    }

    void sweep()
    {
        sweeper.expires_after(sweep_interval());
        sweeper.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (ec) return;  // stopped
            const auto now = std::chrono::steady_clock::now();
            std::lock_guard lock{self->state->sessions_mutex};
            for (auto* s : self->state->sessions) s->check_deadline(now);
            // Once stopping, the sweeper ends with the last connection, so that run() returns.
            if (!self->state->stopping || !self->state->sessions.empty()) self->sweep();
        });
    }

    bool uses_tls() const { return !state->options.tls_certificate_file.empty(); }

    std::shared_ptr<asio::ssl::context> current_tls()
    {
        std::lock_guard lock{tls_mutex};
        return tls;
    }

    void stop()
    {
        asio::post(acceptor.get_executor(), [self = shared_from_this()] {
            if (self->state->stopping.exchange(true)) return;
            beast::error_code ignored;
            self->acceptor.close(ignored);
            std::vector<std::shared_ptr<session_base>> live;
            {
                std::lock_guard lock{self->state->sessions_mutex};
                for (auto* s : self->state->sessions)
                    if (auto alive = s->weak_from_this().lock()) live.push_back(std::move(alive));
            }
            for (auto& s : live) s->stop();
            if (live.empty()) self->sweeper.cancel();  // else it ends with the last connection
            if (self->on_stop) self->on_stop();
            self->state->log(log_level::info, "stopping: no new connections; finishing requests in flight");
        });
    }
};

server::server(const handler& api, server_options options) : impl_(std::make_shared<impl>(api, std::move(options))) {}

server::~server()
{
    stop();
    std::lock_guard lock{impl_->run_mutex};  // a run() in another thread has returned
    // Run what is left (the stop itself, when run() never ran), so no handler keeps impl alive.
    impl_->io.restart();
    impl_->io.poll();
}

unsigned short server::port() const { return impl_->acceptor.local_endpoint().port(); }

void server::run()
{
    std::lock_guard lock{impl_->run_mutex};
    impl_->accept();
    impl_->sweep();
    std::vector<std::thread> pool;
    for (std::size_t i = 1; i < std::max<std::size_t>(1, impl_->state->options.threads); ++i)
        pool.emplace_back([this] { impl_->io.run(); });
    impl_->io.run();
    for (auto& t : pool) t.join();
}

void server::stop() { impl_->stop(); }

void server::reload_tls()
{
    if (!impl_->uses_tls()) return;
    auto fresh = tls_context(impl_->state->options);
    std::lock_guard lock{impl_->tls_mutex};
    impl_->tls = std::move(fresh);
}

void server::run_until_signal()
{
    asio::signal_set signals{impl_->io, SIGINT, SIGTERM, SIGHUP};
    std::function<void(beast::error_code, int)> on_signal = [&](beast::error_code ec, int number) {
        if (ec) return;
        if (number != SIGHUP) return stop();
        try {
            reload_tls();
            impl_->state->log(log_level::info, "SIGHUP: TLS certificate and key reloaded for new connections");
        } catch (const std::exception& e) {
            impl_->state->log(log_level::error, std::string{"SIGHUP: TLS not reloaded, the old ones stay: "} + e.what());
        }
        signals.async_wait(on_signal);
    };
    signals.async_wait(on_signal);
    // However the stop comes, the pending signal wait must go too, or run() would not return.
    impl_->on_stop = [&signals] {
        beast::error_code ignored;
        signals.cancel(ignored);
    };
    run();
    impl_->on_stop = nullptr;
}

}  // namespace netflix_charges::http
