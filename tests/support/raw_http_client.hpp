#pragma once

// A deliberately simple HTTP/1.1 client on a raw socket, for server tests that need to send
// half a request, pipeline several, or watch a connection close. tls_raw_client.hpp runs the
// same over TLS.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

namespace test_support {

struct raw_response {
    int status = 0;
    std::string headers;  // the raw header block
    std::string body;
};

class raw_connection {
public:
    // From `from` (any 127.x.y.z address is this machine's loopback on Linux), or the default.
    explicit raw_connection(unsigned short port, const char* from = nullptr)
    {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (from != nullptr) {
            sockaddr_in local{};
            local.sin_family = AF_INET;
            if (::inet_pton(AF_INET, from, &local.sin_addr) != 1 ||
                ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0)
                throw std::runtime_error(std::string{"cannot connect from "} + from);
        }
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
            throw std::runtime_error("connect failed");
    }
    virtual ~raw_connection() { ::close(fd_); }
    raw_connection(const raw_connection&) = delete;
    raw_connection& operator=(const raw_connection&) = delete;

    void send(const std::string& bytes)
    {
        std::size_t done = 0;
        while (done < bytes.size()) {
            const auto n = write_some(bytes.data() + done, bytes.size() - done);
            if (n <= 0) throw std::runtime_error("send failed");
            done += static_cast<std::size_t>(n);
        }
    }

    // The next response, or nothing when the connection closed (or nothing came) first.
    // `to_head`: the answer to a HEAD request, which has no body whatever its Content-Length says.
    std::optional<raw_response> read_response(std::chrono::milliseconds timeout = std::chrono::seconds{10},
                                              bool to_head = false)
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            if (auto r = take_response(to_head)) return r;
            if (!fill(deadline)) return std::nullopt;
        }
    }

    // True when the server closed the connection (end of stream) before `timeout`.
    bool closed_by_server(std::chrono::milliseconds timeout = std::chrono::seconds{5})
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (fill(deadline)) {
        }
        return eof_;
    }

protected:
    int socket() const { return fd_; }

    // The transport: bytes as they go on the socket here, through TLS in tls_raw_connection.
    // read_some: the bytes read, 0 at the end of the stream, -1 when nothing came this time.
    virtual long write_some(const char* data, std::size_t size) { return ::send(fd_, data, size, MSG_NOSIGNAL); }
    virtual long read_some(char* data, std::size_t size) { return std::max(::recv(fd_, data, size, 0), 0L); }
    // Bytes read from the socket but not yet returned by read_some (TLS decrypts whole records).
    virtual bool has_buffered() const { return false; }

private:
    bool fill(std::chrono::steady_clock::time_point deadline)
    {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || eof_) return false;
        pollfd p{fd_, POLLIN, 0};
        if (!has_buffered() && ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
        char chunk[16384];
        const auto n = read_some(chunk, sizeof chunk);
        if (n < 0) return true;
        if (n == 0) {
            eof_ = true;
            return false;
        }
        buffer_.append(chunk, static_cast<std::size_t>(n));
        return true;
    }

    std::optional<raw_response> take_response(bool to_head)
    {
        const auto end = buffer_.find("\r\n\r\n");
        if (end == std::string::npos) return std::nullopt;
        raw_response r;
        r.headers = buffer_.substr(0, end);
        r.status = std::stoi(r.headers.substr(9, 3));
        std::size_t length = 0;
        for (const char* name : {"Content-Length: ", "content-length: "}) {
            if (to_head) break;
            const auto at = r.headers.find(name);
            if (at != std::string::npos) length = std::stoul(r.headers.substr(at + 16));
        }
        if (buffer_.size() < end + 4 + length) return std::nullopt;
        r.body = buffer_.substr(end + 4, length);
        buffer_.erase(0, end + 4 + length);
        return r;
    }

    int fd_ = -1;
    std::string buffer_;
    bool eof_ = false;
};

inline std::string get_request(const std::string& target, bool close = false)
{
    return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n";
}

inline std::string post_request(const std::string& target, const std::string& body)
{
    return "POST " + target + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace test_support
