#pragma once

// raw_connection over TLS (OpenSSL): the same bytes, sent and read through a TLS session, for
// server tests that check the server treats them alike on its TLS port. The certificate is not
// verified: these tests are about framing, not trust (tls_tests.cpp checks the certificate).

#include "raw_http_client.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <sys/time.h>

#include <csignal>
#include <memory>

namespace test_support {

class tls_raw_connection : public raw_connection {
public:
    explicit tls_raw_connection(unsigned short port) : raw_connection(port)
    {
        // OpenSSL writes to the socket without MSG_NOSIGNAL: a server that closes while a long
        // request is still being sent must fail the write, not kill the test process.
        std::signal(SIGPIPE, SIG_IGN);
        const timeval handshake_limit{10, 0};  // a stalled handshake fails instead of hanging
        ::setsockopt(socket(), SOL_SOCKET, SO_RCVTIMEO, &handshake_limit, sizeof handshake_limit);
        if (!context_ || !session_ || SSL_set_fd(session_.get(), socket()) != 1)
            throw std::runtime_error("cannot make a TLS session");
        // Without auto retry, a read that only meets a TLS 1.3 session ticket returns instead of
        // blocking for application data that may never come.
        SSL_clear_mode(session_.get(), SSL_MODE_AUTO_RETRY);
        if (SSL_connect(session_.get()) != 1) throw std::runtime_error("TLS handshake failed");
    }

protected:
    long write_some(const char* data, std::size_t size) override
    {
        const int n = SSL_write(session_.get(), data, static_cast<int>(size));
        return n > 0 ? n : -1;
    }

    long read_some(char* data, std::size_t size) override
    {
        const int n = SSL_read(session_.get(), data, static_cast<int>(size));
        if (n > 0) return n;
        const int why = SSL_get_error(session_.get(), n);
        ERR_clear_error();
        return why == SSL_ERROR_WANT_READ || why == SSL_ERROR_WANT_WRITE ? -1 : 0;
    }

    bool has_buffered() const override { return SSL_pending(session_.get()) > 0; }

private:
    struct free_context {
        void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
    };
    struct free_session {
        void operator()(SSL* s) const { SSL_free(s); }
    };
    std::unique_ptr<SSL_CTX, free_context> context_{SSL_CTX_new(TLS_client_method())};
    std::unique_ptr<SSL, free_session> session_{context_ ? SSL_new(context_.get()) : nullptr};
};

}  // namespace test_support
