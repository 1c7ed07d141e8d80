#include "connectors/database/database_error.h"

#include <cctype>
#include <stdexcept>

namespace pmbridge {
namespace {

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace

std::string ConnectStringValue(std::string_view s, std::string_view key) {
  std::size_t i = 0;
  auto skip_space = [&] {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  };
  while (i < s.size()) {
    skip_space();
    std::size_t name_start = i;
    while (i < s.size() && s[i] != '=' && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    std::string_view name = s.substr(name_start, i - name_start);
    skip_space();
    if (i >= s.size() || s[i] != '=') return {};
    ++i;
    skip_space();
    std::string value;
    if (i < s.size() && s[i] == '\'') {
      for (++i; i < s.size() && s[i] != '\''; ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        value += s[i];
      }
      ++i;  // closing quote
    } else {
      while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) value += s[i++];
    }
    if (name == key) return value;
  }
  return {};
}

Status DatabaseErrorFromException(std::string_view what, std::string_view connect_string,
                                  std::exception_ptr error) {
  std::string message;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    message = e.what();
  } catch (...) {
    message = "unknown exception";
  }
  // SOCI and libpq messages are single-line facts followed by context; keep them whole but
  // never echo a password that came from the connect string.
  ReplaceAll(message, ConnectStringValue(connect_string, "password"), "***");
  while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back()))) {
    message.pop_back();
  }
  return Status::Database(std::string(what) + ": " + message);
}

}  // namespace pmbridge
