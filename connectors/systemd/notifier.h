// SystemdNotifier: the sd_notify(3) protocol spoken directly (one datagram of
// "KEY=value" lines to the AF_UNIX socket named by $NOTIFY_SOCKET), so the bridge needs no
// libsystemd. Outside systemd ($NOTIFY_SOCKET unset) every call is a successful no-op.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "bridge/status.h"

namespace pmbridge {

class SystemdNotifier {
 public:
  // Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID from the environment now.
  SystemdNotifier();

  // Whether systemd asked for notifications (NOTIFY_SOCKET is set).
  bool enabled() const { return !socket_.empty(); }

  // READY=1: start-up finished (Type=notify units stay "activating" until this), and again
  // after a reload finished.
  Status Ready();
  // STATUS=<text>: the one-line status `systemctl status` shows. Newlines become spaces.
  Status SetStatus(std::string_view text);
  // WATCHDOG=1: the keep-alive; send it every WatchdogInterval() / 2.
  Status Watchdog();
  // STOPPING=1: a clean stop began.
  Status Stopping();
  // RELOADING=1 with MONOTONIC_USEC (systemd 253 needs the timestamp for
  // Type=notify-reload); send Ready() when the reload is done.
  Status Reloading();

  // Sends `state` ("KEY=value" lines) as one datagram. InvalidInput when NOTIFY_SOCKET is
  // neither an absolute path nor an abstract name ("@name"); Internal when sending fails.
  Status Notify(std::string_view state);

  // The watchdog timeout systemd set (WatchdogSec=), when WATCHDOG_USEC is a positive
  // number and WATCHDOG_PID, if set, is this process; otherwise nullopt.
  std::optional<std::chrono::microseconds> WatchdogInterval() const { return watchdog_; }

 private:
  std::string socket_;
  std::optional<std::chrono::microseconds> watchdog_;
};

}  // namespace pmbridge
