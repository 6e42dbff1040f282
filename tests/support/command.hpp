#pragma once

// Runs a program (the sample server's command line) with arguments and standard input, and
// collects its exit status and output; or starts one to run beside the test.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace test_support {

struct command_result {
    int exit_code = -1;
    std::string out;
    std::string err;
    // The most memory it held (getrusage's ru_maxrss). Linux starts a forked child's high-water
    // mark at its parent's resident size, so compare two runs started by the same test.
    long peak_resident_kib = 0;
};

class process {
public:
    process(const std::vector<std::string>& argv, const std::string& input = {})
    {
        int in[2], out[2], err[2];
        if (::pipe(in) || ::pipe(out) || ::pipe(err)) throw std::runtime_error("pipe failed");
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(in[0], 0);
            ::dup2(out[1], 1);
            ::dup2(err[1], 2);
            for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) ::close(fd);
            std::vector<char*> args;
            for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
            args.push_back(nullptr);
            ::execv(args[0], args.data());
            ::_exit(127);
        }
        ::close(in[0]);
        ::close(out[1]);
        ::close(err[1]);
        if (!input.empty()) (void)!::write(in[1], input.data(), input.size());
        ::close(in[1]);
        out_ = out[0];
        err_ = err[0];
    }
    ~process()
    {
        if (!ended_) {
            ::kill(pid_, SIGKILL);
            wait();
        }
        ::close(out_);
        ::close(err_);
    }
    process(const process&) = delete;
    process& operator=(const process&) = delete;

    void signal(int number) { ::kill(pid_, number); }

    // Reads standard error until it contains `text` (or the time is up); what was read so far.
    std::string wait_for_error_text(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds{20})
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (result_.err.find(text) == std::string::npos && std::chrono::steady_clock::now() < deadline)
            if (!drain_once(50)) break;
        return result_.err;
    }

    // Waits for the end, reading everything it writes.
    command_result wait()
    {
        while (drain_once(100)) {
        }
        int status = 0;
        rusage usage{};
        ::wait4(pid_, &status, 0, &usage);
        ended_ = true;
        result_.peak_resident_kib = usage.ru_maxrss;
        result_.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return result_;
    }

private:
    // One poll of both outputs; false once both are closed.
    bool drain_once(int timeout_ms)
    {
        pollfd fds[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
        if (::poll(fds, 2, timeout_ms) < 0) return false;
        bool open = false;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].revents == 0) {
                open = open || !closed_[i];
                continue;
            }
            char chunk[4096];
            const auto n = ::read(fds[i].fd, chunk, sizeof chunk);
            if (n > 0) (i == 0 ? result_.out : result_.err).append(chunk, static_cast<std::size_t>(n));
            else closed_[i] = true;
            open = open || !closed_[i];
        }
        return open;
    }

    pid_t pid_ = -1;
    int out_ = -1;
    int err_ = -1;
    bool ended_ = false;
    bool closed_[2] = {false, false};
    command_result result_;
};

inline command_result run(const std::vector<std::string>& argv, const std::string& input = {})
{
    return process{argv, input}.wait();
}

}  // namespace test_support
