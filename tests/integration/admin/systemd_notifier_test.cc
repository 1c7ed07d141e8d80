// SystemdNotifier against a real AF_UNIX datagram socket standing in for systemd's.
#include "connectors/systemd/notifier.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "tests/support/notify_socket.h"
#include "tests/support/process.h"

namespace pmbridge {
namespace {

using namespace std::chrono_literals;

// Sets (or, with nullopt, unsets) an environment variable and restores it on destruction.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      setenv(name, value->c_str(), 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class SystemdNotifierTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
};

TEST_F(SystemdNotifierTest, SendsEachStateToAPathSocket) {
  const std::string path = dir_.File("notify");
  testing::NotifySocket systemd(path);
  ASSERT_TRUE(systemd.bound()) << path;
  ScopedEnv env("NOTIFY_SOCKET", path);
  SystemdNotifier notifier;
  ASSERT_TRUE(notifier.enabled());

  ASSERT_TRUE(notifier.Ready().ok());
  EXPECT_EQ(systemd.Receive(), "READY=1");
  ASSERT_TRUE(notifier.SetStatus("following the directory\nfrom cookie 42").ok());
  EXPECT_EQ(systemd.Receive(), "STATUS=following the directory from cookie 42");
  ASSERT_TRUE(notifier.Watchdog().ok());
  EXPECT_EQ(systemd.Receive(), "WATCHDOG=1");
  ASSERT_TRUE(notifier.Stopping().ok());
  EXPECT_EQ(systemd.Receive(), "STOPPING=1");
}

TEST_F(SystemdNotifierTest, ReloadingCarriesTheMonotonicTime) {
  const std::string path = dir_.File("notify");
  testing::NotifySocket systemd(path);
  ASSERT_TRUE(systemd.bound());
  ScopedEnv env("NOTIFY_SOCKET", path);
  SystemdNotifier notifier;
  ASSERT_TRUE(notifier.Reloading().ok());
  const std::string message = systemd.Receive();
  const std::string prefix = "RELOADING=1\nMONOTONIC_USEC=";
  ASSERT_EQ(message.rfind(prefix, 0), 0u) << message;
  const std::string usec = message.substr(prefix.size());
  EXPECT_FALSE(usec.empty());
  EXPECT_EQ(usec.find_first_not_of("0123456789"), std::string::npos) << usec;
}

TEST_F(SystemdNotifierTest, SendsToAnAbstractSocket) {
  const std::string name = "@pmbridge-test-notify-" + std::to_string(getpid());
  testing::NotifySocket systemd(name);
  ASSERT_TRUE(systemd.bound()) << name;
  ScopedEnv env("NOTIFY_SOCKET", name);
  SystemdNotifier notifier;
  ASSERT_TRUE(notifier.Ready().ok());
  EXPECT_EQ(systemd.Receive(), "READY=1");
}

TEST_F(SystemdNotifierTest, WithoutNotifySocketEverythingIsANoOp) {
  ScopedEnv env("NOTIFY_SOCKET", std::nullopt);
  SystemdNotifier notifier;
  EXPECT_FALSE(notifier.enabled());
  EXPECT_TRUE(notifier.Ready().ok());
  EXPECT_TRUE(notifier.Watchdog().ok());
  EXPECT_TRUE(notifier.Reloading().ok());
}

TEST_F(SystemdNotifierTest, ErrorsAreReturnedNotThrown) {
  {
    ScopedEnv env("NOTIFY_SOCKET", dir_.File("nobody-listens"));
    const Status status = SystemdNotifier().Ready();
    EXPECT_EQ(status.code(), ErrorCode::kInternal);
    EXPECT_NE(status.message().find("nobody-listens"), std::string::npos) << status.message();
  }
  {
    ScopedEnv env("NOTIFY_SOCKET", "relative/path");
    EXPECT_EQ(SystemdNotifier().Ready().code(), ErrorCode::kInvalidInput);
  }
  {
    ScopedEnv env("NOTIFY_SOCKET", "/" + std::string(200, 'x'));
    EXPECT_EQ(SystemdNotifier().Ready().code(), ErrorCode::kInvalidInput);
  }
}

TEST(SystemdWatchdogTest, ReadsTheIntervalMeantForThisProcess) {
  const std::string self = std::to_string(getpid());
  {
    ScopedEnv usec("WATCHDOG_USEC", "30000000");
    ScopedEnv pid("WATCHDOG_PID", self);
    EXPECT_EQ(SystemdNotifier().WatchdogInterval(), std::chrono::microseconds(30s));
  }
  {
    ScopedEnv usec("WATCHDOG_USEC", "1500");
    ScopedEnv pid("WATCHDOG_PID", std::nullopt);
    EXPECT_EQ(SystemdNotifier().WatchdogInterval(), std::chrono::microseconds(1500));
  }
}

TEST(SystemdWatchdogTest, IgnoresAnIntervalMeantForAnotherProcessOrMalformed) {
  ScopedEnv pid("WATCHDOG_PID", std::to_string(getpid() + 1));
  {
    ScopedEnv usec("WATCHDOG_USEC", "30000000");
    EXPECT_EQ(SystemdNotifier().WatchdogInterval(), std::nullopt);
  }
  ScopedEnv no_pid("WATCHDOG_PID", std::nullopt);
  for (const char* bad : {"", "0", "-5", "30s", "abc", "99999999999999999999999"}) {
    ScopedEnv usec("WATCHDOG_USEC", std::string(bad));
    EXPECT_EQ(SystemdNotifier().WatchdogInterval(), std::nullopt) << bad;
  }
  ScopedEnv unset("WATCHDOG_USEC", std::nullopt);
  EXPECT_EQ(SystemdNotifier().WatchdogInterval(), std::nullopt);
}

}  // namespace
}  // namespace pmbridge
