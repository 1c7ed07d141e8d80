// The daemon end-to-end fixture: BridgeScenario plus the real `pmbridge run` in the
// background, its log, and the account checks the daemon scenarios share. Outcomes are
// awaited with a generous deadline; nothing here measures time.
#pragma once

#include <signal.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/integration/scenarios/bridge_scenario.h"
#include "tests/support/background_process.h"

namespace pmbridge::testing {

class DaemonScenario : public BridgeScenario {
 protected:
  void SetUp() override {
    BridgeScenario::SetUp();
    admin_port_ = FreeLoopbackPort();
    daemon_section_ = "daemon:\n  admin_listen: 127.0.0.1:" + std::to_string(admin_port_) +
                      "\n  full_reconcile_interval: 1h\n  disable_window: 1h\n";
    WriteConfig();
  }
  void TearDown() override {
    StopDaemon();
    BridgeScenario::TearDown();
  }

  void StartDaemon() {
    ++runs_;
    daemon_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{PmbridgeBinary(), "--config", dir_->File("bridge.yaml"), "run"},
        dir_->File("daemon-" + std::to_string(runs_) + ".log"));
    ASSERT_TRUE(daemon_->started());
    ASSERT_TRUE(Eventually([&] { return Logged("reconcile.done") || !daemon_->running(); }))
        << daemon_->Log();
    ASSERT_TRUE(daemon_->running()) << daemon_->Log();
  }

  // SIGTERM, and expect a clean exit.
  void StopDaemon() {
    if (!daemon_ || !daemon_->running()) return;
    daemon_->Signal(SIGTERM);
    std::optional<int> code = daemon_->Wait(std::chrono::milliseconds(30000));
    EXPECT_EQ(code, std::optional<int>(0)) << daemon_->Log();
  }

  static int Count(const std::string& haystack, const std::string& needle) {
    int n = 0;
    for (std::size_t at = haystack.find(needle); at != std::string::npos;
         at = haystack.find(needle, at + needle.size())) {
      ++n;
    }
    return n;
  }

  bool Logged(const std::string& text) {
    return daemon_ && daemon_->Log().find(text) != std::string::npos;
  }

  static bool Holds(const std::optional<PmAccount>& a, const std::string& module,
                    std::uint8_t right) {
    return a && (a->fields.rights.Get(module) & right) != 0;
  }

  bool Active(const std::string& login) {
    std::optional<PmAccount> a = Account(login);
    return a && a->fields.active;
  }
  bool Disabled(const std::string& login) {
    std::optional<PmAccount> a = Account(login);
    return a && !a->fields.active;
  }

  int admin_port_ = 0;
  int runs_ = 0;
  std::unique_ptr<BackgroundProcess> daemon_;
};

}  // namespace pmbridge::testing
