// A process left running while a test goes on (the daemon): standard output and error go
// to a log file the test can read, signals can be sent, and the destructor kills it
// (SIGKILL) if the test did not stop it, so no daemon outlives its test.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pmbridge::testing {

class BackgroundProcess {
 public:
  // Starts argv (argv[0] a path) with the environment plus `env`; output to `log_path`.
  BackgroundProcess(const std::vector<std::string>& argv, const std::string& log_path,
                    const std::map<std::string, std::string>& env = {});
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  void Signal(int sig) const;
  // Waits up to `timeout` for the process to end: its exit code (-signal when a signal
  // ended it), or nullopt while it still runs.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  bool running();
  // Everything it wrote so far.
  std::string Log() const;

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_;
  std::string log_path_;
};

void SleepFor(std::chrono::milliseconds d);

// Polls `condition` every 50 ms until it holds or `deadline` passes (a generous bound,
// not a timing assertion); returns its last value.
template <typename F>
bool Eventually(F&& condition, std::chrono::seconds deadline = std::chrono::seconds(60)) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    SleepFor(std::chrono::milliseconds(50));
  }
}

}  // namespace pmbridge::testing
