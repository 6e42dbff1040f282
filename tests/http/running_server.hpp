#pragma once

// A server on a free port of 127.0.0.1 for socket tests.

#include <netflix_charges/http/handler.hpp>
#include <netflix_charges/http/server.hpp>

#include <thread>

namespace http_tests {

// A server on its own threads over a handler, stopped and joined at the end.
struct running_server {
    netflix_charges::http::server server;
    std::thread runner;

    running_server(const netflix_charges::http::handler& api, netflix_charges::http::server_options options) : server(api, with_free_port(options))
    {
        runner = std::thread{[this] { server.run(); }};
    }
    ~running_server()
    {
        server.stop();
        runner.join();
    }

    static netflix_charges::http::server_options with_free_port(netflix_charges::http::server_options o)
    {
        o.port = 0;
        return o;
    }
    unsigned short port() const { return server.port(); }
};

}  // namespace http_tests
