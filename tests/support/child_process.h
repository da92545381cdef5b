#pragma once
// A real child process for integration tests (redis-server, the bot, the fake LINE API):
// started with fork/exec, its stdout+stderr captured to a file, killed when the object dies.
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace thesaban::testing {

class ChildProcess {
public:
    ChildProcess() = default;
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ~ChildProcess();

    // Starts `argv[0]` with `argv`; extra environment variables are added to (or replace) ours.
    void start(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra_env = {},
               const std::string& output_file = {});
    bool running();
    // Sends `signal`; waits up to `timeout` for the exit and returns the exit status (128+signal if
    // killed by one), or -1 when it did not exit in time (it is then SIGKILLed).
    int stop(int signal, std::chrono::milliseconds timeout = std::chrono::seconds(10));
    int pid() const { return pid_; }
    // The exit status seen when running() or stop() reaped the child (128+signal if killed), or -1.
    int exit_status() const { return exit_status_; }
    const std::string& output_file() const { return output_file_; }
    std::string output() const;  // what the child printed so far

private:
    int pid_ = -1;
    int exit_status_ = -1;
    std::string output_file_;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_loopback_port();
// Polls `condition` every 20 ms until true or `timeout`; returns its last value.
template <typename Condition>
bool wait_until(Condition condition, std::chrono::milliseconds timeout);
// A fresh temporary directory, removed by the caller if it wants.
std::string make_temp_dir(const std::string& prefix);

}  // namespace thesaban::testing

#include <thread>
template <typename Condition>
bool thesaban::testing::wait_until(Condition condition, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        if (condition()) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}
