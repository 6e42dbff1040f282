// 03: run the HTTP server inside your own process: start it on a thread, use it, stop it.
// The server speaks the CRM.COM Web API for Netflix charges (docs/http.md); here it runs on a
// free port of 127.0.0.1 and this program asks it one question over a real socket.
#include <netflix_charges/http/handler.hpp>
#include <netflix_charges/http/server.hpp>
#include <netflix_charges/jwt_authenticator.hpp>
#include <netflix_charges/netflix_charges.hpp>

#include <boost/asio/ip/tcp.hpp>

#include <iostream>
#include <string>
#include <thread>

namespace nc = netflix_charges;

int main()
{
    nc::memory_store store;  // or an nc::sqlite_store: both are charge and credential stores
    nc::charges_service service{store};
    nc::jwt_authenticator auth{store};
    auth.add_user(nc::operator_id{"ps_dev"}, "billing", "1", "a long password");

    nc::http::handler api{service, auth};  // handler_options: base path, error mode, log sink
    nc::http::server_options options;
    options.port = 0;  // a free port; options.address is 127.0.0.1 unless you say otherwise
    nc::http::server server{api, options};
    std::thread serving{[&] { server.run(); }};
    std::cout << "serving on 127.0.0.1:" << server.port() << "\n";

    boost::asio::ip::tcp::iostream client{"127.0.0.1", std::to_string(server.port())};
    client << "GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" << std::flush;
    std::string status_line;
    std::getline(client, status_line);
    std::cout << "GET /readyz: " << status_line << "\n";

    // stop() stops accepting, lets requests in flight finish, and makes run() return.
    server.stop();
    serving.join();
    std::cout << "stopped\n";
    return status_line.rfind("HTTP/1.1 200", 0) == 0 ? 0 : 1;
}
