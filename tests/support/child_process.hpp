#pragma once

// A forked child process for tests of several processes on one database. The child runs a
// function and ends with `_exit` (never returning into the test runner); what it writes to its
// report pipe is read by the parent once the child has ended.

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <stdexcept>
#include <string>

namespace test_support {

class child_process {
public:
    // `body` gets the file descriptor of the report pipe; its return value is the exit code.
    explicit child_process(const std::function<int(int report_fd)>& body)
    {
        int fds[2];
        if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            ::close(fds[0]);
            int code = 99;
            try {
                code = body(fds[1]);
            } catch (...) {
                code = 98;
            }
            ::_exit(code);
        }
        ::close(fds[1]);
        read_fd_ = fds[0];
    }
    ~child_process()
    {
        if (pid_ > 0 && !ended_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (read_fd_ >= 0) ::close(read_fd_);
    }
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    void kill_now() { ::kill(pid_, SIGKILL); }

    // Reads the reports until the child ends, then waits for it; the raw wait status (use
    // WIFEXITED and friends).
    int wait()
    {
        char buffer[4096];
        for (ssize_t n; (n = ::read(read_fd_, buffer, sizeof buffer)) > 0;)
            reports_.append(buffer, static_cast<std::size_t>(n));
        int status = 0;
        ::waitpid(pid_, &status, 0);
        ended_ = true;
        return status;
    }

    // Everything the child wrote to its report pipe (after wait()).
    const std::string& reports() const { return reports_; }

private:
    pid_t pid_ = -1;
    int read_fd_ = -1;
    bool ended_ = false;
    std::string reports_;
};

// Writes all of `text` to `fd` (a report from the child).
inline bool write_report(int fd, const std::string& text)
{
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace test_support
