#include <netflix_charges/http/server.hpp>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <functional>
#include <optional>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

namespace netflix_charges::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

class session;

// What every connection shares: options, the handler, and the live sessions (for stop()).
struct shared_state {
    shared_state(const handler& h, server_options o) : api(h), options(std::move(o)) {}

    const handler& api;
    server_options options;
    std::atomic<bool> stopping{false};
    std::atomic<std::size_t> connections{0};
    std::mutex sessions_mutex;
    std::unordered_set<session*> sessions;

    void log(log_level level, const std::string& message) const
    {
        if (options.log) options.log(level, message);
    }
};

request to_request(const bhttp::request<bhttp::string_body>& in)
{
    request out;
    out.method = std::string{in.method_string()};
    out.target = std::string{in.target()};
    for (const auto& field : in) out.headers.emplace_back(std::string{field.name_string()}, std::string{field.value()});
    out.body = in.body();
    return out;
}

// One connection: read a request, answer it, again, on its own strand. Reads are timed by a
// timer (so that a stalled request still gets its 408); writes by the stream's own expiry.
class session : public std::enable_shared_from_this<session> {
public:
    session(tcp::socket socket, std::shared_ptr<shared_state> state)
        : stream_(std::move(socket)), timer_(stream_.get_executor()), state_(std::move(state)),
          buffer_(state_->options.header_limit + state_->options.body_limit)
    {
        ++state_->connections;
        std::lock_guard lock{state_->sessions_mutex};
        state_->sessions.insert(this);
    }

    ~session()
    {
        --state_->connections;
        std::lock_guard lock{state_->sessions_mutex};
        state_->sessions.erase(this);
    }

    void start(bool over_capacity)
    {
        asio::dispatch(stream_.get_executor(), [self = shared_from_this(), over_capacity] {
            if (over_capacity) self->answer_and_close(handler::transport_error(503));
            else self->read_request();
        });
    }

    // From stop(): an idle connection closes now; one with a request in flight finishes it.
    void stop()
    {
        asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
            if (self->waiting_for_request_) self->close();
        });
    }

private:
    void read_request()
    {
        if (state_->stopping) return close();
        parser_.emplace();
        parser_->body_limit(state_->options.body_limit);
        parser_->header_limit(static_cast<std::uint32_t>(state_->options.header_limit));
        waiting_for_request_ = true;
        arm_timer(state_->options.idle_timeout);
        // Pipelined bytes already in the buffer start the next request at once.
        if (buffer_.size() > 0) waiting_for_request_ = false;
        read_some();
    }

    void read_some()
    {
        bhttp::async_read_some(stream_, buffer_, *parser_,
                               [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec)
    {
        if (waiting_for_request_ && parser_->got_some()) {
            waiting_for_request_ = false;  // a request has started: it has read_timeout to arrive whole
            arm_timer(state_->options.read_timeout);
        }
        if (ec == asio::error::operation_aborted && timed_out_)
            return parser_->got_some() ? answer_and_close(handler::transport_error(408)) : close();
        if (ec == bhttp::error::body_limit) return answer_and_close(handler::transport_error(413));
        if (ec == bhttp::error::header_limit) return answer_and_close(handler::transport_error(431));
        if (ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset)
            return close();
        if (ec) return parser_->got_some() ? answer_and_close(handler::transport_error(400)) : close();
        if (!parser_->is_done()) return read_some();

        timer_.cancel();
        const auto& message = parser_->get();
        ++served_;
        const bool keep_alive = message.keep_alive() && !state_->stopping &&
                                served_ < state_->options.max_requests_per_connection;
        write(state_->api(to_request(message)), keep_alive, message.version());
    }

    void arm_timer(std::chrono::milliseconds after)
    {
        timed_out_ = false;
        timer_.expires_after(after);
        timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (ec) return;  // cancelled: the read finished in time
            self->timed_out_ = true;
            beast::error_code ignored;
            self->stream_.socket().cancel(ignored);
        });
    }

    void answer_and_close(response answer) { write(std::move(answer), false, 11); }

    void write(response answer, bool keep_alive, unsigned version)
    {
        timer_.cancel();
        auto out = std::make_shared<bhttp::response<bhttp::string_body>>();
        out->version(version);
        out->result(static_cast<unsigned>(answer.status));
        out->set(bhttp::field::server, "netflix_charges");
        for (auto& [name, value] : answer.headers) out->set(name, value);
        out->body() = std::move(answer.body);
        out->keep_alive(keep_alive);
        out->prepare_payload();
        stream_.expires_after(state_->options.write_timeout);
        bhttp::async_write(stream_, *out, [self = shared_from_this(), out, keep_alive](beast::error_code ec, std::size_t) {
            self->stream_.expires_never();
            if (ec || !keep_alive) return self->close();
            self->read_request();
        });
    }

    void close()
    {
        timer_.cancel();
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream_.socket().close(ignored);
    }

    beast::tcp_stream stream_;
    asio::steady_timer timer_;
    std::shared_ptr<shared_state> state_;
    beast::flat_buffer buffer_;  // bounded: pipelined requests cannot pile up without limit
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    std::size_t served_ = 0;
    bool waiting_for_request_ = false;
    bool timed_out_ = false;
};

}  // namespace

struct server::impl : std::enable_shared_from_this<server::impl> {
    asio::io_context io;
    tcp::acceptor acceptor;
    std::shared_ptr<shared_state> state;
    std::mutex run_mutex;
    std::function<void()> on_stop;  // run_until_signal's: cancel the signal wait

    impl(const handler& api, server_options options)
        : io(static_cast<int>(std::max<std::size_t>(1, options.threads))), acceptor(asio::make_strand(io)),
          state(std::make_shared<shared_state>(api, std::move(options)))
    {
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
                std::make_shared<session>(std::move(socket), self->state)->start(over_capacity);
            } else {
                self->state->log(log_level::warning, "accept failed: " + ec.message());
            }
            self->accept();
        });
    }

    void stop()
    {
        asio::post(acceptor.get_executor(), [self = shared_from_this()] {
            if (self->state->stopping.exchange(true)) return;
            beast::error_code ignored;
            self->acceptor.close(ignored);
            std::vector<std::shared_ptr<session>> live;
            {
                std::lock_guard lock{self->state->sessions_mutex};
                for (auto* s : self->state->sessions)
                    if (auto alive = s->weak_from_this().lock()) live.push_back(std::move(alive));
            }
            for (auto& s : live) s->stop();
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
    std::vector<std::thread> pool;
    for (std::size_t i = 1; i < std::max<std::size_t>(1, impl_->state->options.threads); ++i)
        pool.emplace_back([this] { impl_->io.run(); });
    impl_->io.run();
    for (auto& t : pool) t.join();
}

void server::stop() { impl_->stop(); }

void server::run_until_signal()
{
    asio::signal_set signals{impl_->io, SIGINT, SIGTERM};
    signals.async_wait([this](beast::error_code ec, int) {
        if (!ec) stop();
    });
    // However the stop comes, the pending signal wait must go too, or run() would not return.
    impl_->on_stop = [&signals] {
        beast::error_code ignored;
        signals.cancel(ignored);
    };
    run();
    impl_->on_stop = nullptr;
}

}  // namespace netflix_charges::http
