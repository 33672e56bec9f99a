/// Child processes for tests that must run the real fahras-index binary (kill -9, Ctrl-C,
/// progress on stderr): spawn with stdout/stderr to files, signal, wait.
#pragma once

#include <csignal>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace fahras::test {

class Child {
  public:
    /// Starts `argv` with stdout and stderr written to `out_path` and `err_path`.
    Child(const std::vector<std::string>& argv, const std::string& out_path, const std::string& err_path)
        : err_path_(err_path) {
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        if (posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0) pid_ = -1;
        posix_spawn_file_actions_destroy(&actions);
    }
    ~Child() {
        if (pid_ > 0 && !waited_) {
            ::kill(pid_, SIGKILL);
            (void)wait();
        }
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    [[nodiscard]] bool started() const noexcept { return pid_ > 0; }
    void signal(int sig) const { ::kill(pid_, sig); }
    /// Exit status, or 128 + signal number when killed by a signal (as a shell reports it).
    int wait() {
        if (!waited_) {
            ::waitpid(pid_, &status_, 0);
            waited_ = true;
        }
        if (WIFSIGNALED(status_)) return 128 + WTERMSIG(status_);
        return WEXITSTATUS(status_);
    }
    /// True while the child runs.
    [[nodiscard]] bool running() {
        if (waited_) return false;
        const pid_t r = ::waitpid(pid_, &status_, WNOHANG);
        if (r == 0) return true;
        waited_ = true;
        return false;
    }
    [[nodiscard]] std::string err() const {
        std::ifstream in(err_path_);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }

  private:
    pid_t pid_ = -1;
    bool waited_ = false;
    int status_ = 0;
    std::string err_path_;
};

/// Runs `argv` to the end; returns the exit status, stderr in `err`.
inline int run(const std::vector<std::string>& argv, const std::string& dir, std::string& err) {
    Child child(argv, dir + "/child.out", dir + "/child.err");
    if (!child.started()) return -1;
    const int status = child.wait();
    err = child.err();
    return status;
}

} // namespace fahras::test
