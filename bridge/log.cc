#include "bridge/log.h"

#include <charconv>

#include <nlohmann/json.hpp>

namespace pmbridge {
namespace {

const Clock& DefaultClock() {
  static const SystemClock clock;
  return clock;
}

bool IsNameByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == ':' || c == '-';
}

// Event names and keys come from the code, but a bad one must still not break the line
// format: anything unexpected becomes '_'.
std::string SafeName(std::string_view name) {
  if (name.empty()) return "_";
  std::string out(name);
  for (char& c : out) {
    if (!IsNameByte(c)) c = '_';
  }
  return out;
}

bool NeedsQuotes(std::string_view value) {
  if (value.empty()) return true;
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7f || c == '"' || c == '=' || c == '\\') return true;
  }
  return false;
}

// A quoted text value: \" \\ \n \r \t, other control bytes as \xHH. Bytes from 0x80 up
// pass through, so UTF-8 names stay readable.
void AppendQuoted(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

template <typename T>
void AppendNumber(std::string& out, T value) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec == std::errc()) out.append(buf, end);
}

void AppendTextValue(std::string& out, const LogField::Value& value) {
  if (const auto* s = std::get_if<std::string_view>(&value)) {
    if (NeedsQuotes(*s)) {
      AppendQuoted(out, *s);
    } else {
      out += *s;
    }
  } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
    AppendNumber(out, *i);
  } else if (const auto* u = std::get_if<std::uint64_t>(&value)) {
    AppendNumber(out, *u);
  } else if (const auto* d = std::get_if<double>(&value)) {
    AppendNumber(out, *d);  // shortest round-trip form; "inf", "nan" need no quotes
  } else {
    out += std::get<bool>(value) ? "true" : "false";
  }
}

nlohmann::ordered_json JsonValue(const LogField::Value& value) {
  return std::visit(
      [](const auto& v) -> nlohmann::ordered_json {
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string_view>) {
          return std::string(v);
        } else {
          return v;
        }
      },
      value);
}

}  // namespace

const char* LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "?";
}

Result<LogLevel> ParseLogLevel(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warning" || name == "warn") return LogLevel::kWarning;
  if (name == "error") return LogLevel::kError;
  return Status::InvalidInput("unknown log level \"" + std::string(name) +
                              "\": use debug, info, warning or error");
}

Result<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return Status::InvalidInput("unknown log format \"" + std::string(name) + "\": use text or json");
}

Logger::Logger(Format format, std::FILE* out) : Logger(format, out, DefaultClock()) {}

Logger::Logger(Format format, std::FILE* out, const Clock& clock)
    : format_(format), out_(out), clock_(clock) {}

std::string Logger::FormatLine(Level level, std::string_view event,
                               std::initializer_list<LogField> fields) const {
  const std::string ts = FormatTimestamp(clock_.Now());
  if (format_ == Format::kJson) {
    nlohmann::ordered_json line;
    line["ts"] = ts;
    line["level"] = LogLevelName(level);
    line["event"] = SafeName(event);
    for (const LogField& field : fields) {
      std::string key = SafeName(field.key);
      // A field must not overwrite the envelope a log shipper relies on.
      if (key == "ts" || key == "level" || key == "event") key.insert(0, "field.");
      line[key] = JsonValue(field.value);
    }
    // Directory data is not guaranteed to be UTF-8: replace bad bytes rather than throw.
    return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  }
  std::string line = ts;
  line += ' ';
  line += LogLevelName(level);
  line += ' ';
  line += SafeName(event);
  for (const LogField& field : fields) {
    line += ' ';
    line += SafeName(field.key);
    line += '=';
    AppendTextValue(line, field.value);
  }
  return line;
}

void Logger::Log(Level level, std::string_view event, std::initializer_list<LogField> fields) {
  if (!Enabled(level) || out_ == nullptr) return;
  try {
    std::string line = FormatLine(level, event, fields);
    line += '\n';
    std::lock_guard<std::mutex> lock(write_mutex_);
    std::fwrite(line.data(), 1, line.size(), out_);
    std::fflush(out_);
  } catch (...) {
    // Out of memory while formatting: dropping one log line beats ending the daemon.
  }
}

}  // namespace pmbridge
