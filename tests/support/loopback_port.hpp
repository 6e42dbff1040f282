#pragma once

// Ports on 127.0.0.1 for servers that tests start in other processes.

#include "raw_http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace test_support {

// A port that was free a moment ago (the kernel's choice for a socket bound to port 0).
inline unsigned short free_port()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

// True once something accepts connections on the port (within ten seconds).
inline bool wait_until_listening(unsigned short port)
{
    for (int attempt = 0; attempt < 400; ++attempt) {
        try {
            raw_connection probe{port};
            return true;
        } catch (const std::exception&) {
            std::this_thread::sleep_for(std::chrono::milliseconds{25});
        }
    }
    return false;
}

}  // namespace test_support
