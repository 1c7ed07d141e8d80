// Logger: the daemon's structured event log, one line per event on stderr (journald keeps
// it), as text for a human or as JSON for a log shipper.
//
//   2026-11-23T08:50:51.123Z info reconcile.applied create=3 login="erin evans"
//   {"ts":"2026-11-23T08:50:51.123Z","level":"info","event":"reconcile.applied","create":3}
//
// Values come from the directory and may hold anything; escaping guarantees that a value
// can never end its line early or forge a second event.
#pragma once

#include <atomic>
#include <concepts>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>

#include "bridge/clock.h"
#include "bridge/status.h"

namespace pmbridge {

enum class LogLevel { kDebug, kInfo, kWarning, kError };
enum class LogFormat { kText, kJson };

// "debug", "info", "warning", "error".
const char* LogLevelName(LogLevel level);
// The inverse of LogLevelName ("warn" is accepted too); InvalidInput otherwise.
Result<LogLevel> ParseLogLevel(std::string_view name);
// "text" or "json"; InvalidInput otherwise.
Result<LogFormat> ParseLogFormat(std::string_view name);

// One key and value of an event. A parameter type: it may point into the caller's strings,
// so build it in the Log() call and do not keep it.
struct LogField {
  using Value = std::variant<std::string_view, std::int64_t, std::uint64_t, double, bool>;

  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  LogField(std::string_view k, bool v) : key(k), value(v) {}
  LogField(std::string_view k, double v) : key(k), value(v) {}
  template <std::signed_integral T>
  LogField(std::string_view k, T v) : key(k), value(static_cast<std::int64_t>(v)) {}
  template <std::unsigned_integral T>
  requires(!std::same_as<T, bool>) LogField(std::string_view k, T v)
      : key(k), value(static_cast<std::uint64_t>(v)) {}

  std::string_view key;
  Value value;
};

class Logger {
 public:
  using Level = LogLevel;
  using Format = LogFormat;

  // Writes to `out` (not owned, must outlive the logger) with timestamps from the system
  // clock, or from `clock` (not owned, must outlive the logger).
  explicit Logger(Format format, std::FILE* out = stderr);
  Logger(Format format, std::FILE* out, const Clock& clock);

  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  // Events below the minimum level are dropped; the default is kInfo.
  void set_min_level(Level level) { min_level_.store(level, std::memory_order_relaxed); }
  Level min_level() const { return min_level_.load(std::memory_order_relaxed); }
  bool Enabled(Level level) const { return level >= min_level(); }

  // Writes one line and flushes it. Thread-safe: lines from several threads never
  // interleave. Never throws; a write error is ignored (there is nowhere to report it).
  // `event` and keys are names from the code ("reconcile.applied"); bytes outside
  // [A-Za-z0-9_.:-] in them are replaced by '_'.
  void Log(Level level, std::string_view event, std::initializer_list<LogField> fields = {});

  void Debug(std::string_view event, std::initializer_list<LogField> fields = {}) {
    Log(Level::kDebug, event, fields);
  }
  void Info(std::string_view event, std::initializer_list<LogField> fields = {}) {
    Log(Level::kInfo, event, fields);
  }
  void Warning(std::string_view event, std::initializer_list<LogField> fields = {}) {
    Log(Level::kWarning, event, fields);
  }
  void Error(std::string_view event, std::initializer_list<LogField> fields = {}) {
    Log(Level::kError, event, fields);
  }

  // The line Log() would write, without its newline. Exposed for tests.
  std::string FormatLine(Level level, std::string_view event,
                         std::initializer_list<LogField> fields) const;

 private:
  Format format_;
  std::FILE* out_;
  const Clock& clock_;
  std::atomic<Level> min_level_{Level::kInfo};
  std::mutex write_mutex_;
};

}  // namespace pmbridge
