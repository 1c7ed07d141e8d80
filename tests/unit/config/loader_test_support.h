// Helpers for the loader tests: find a diagnostic by what it says, and compute where a
// piece of text sits in a file (1-based line and column) so tests state positions plainly.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "bridge/diagnostic.h"

namespace pmbridge::testing {

// The first diagnostic whose message contains `part`, or nullptr.
inline const Diagnostic* FindDiagnostic(const Diagnostics& diagnostics, std::string_view part) {
  for (const Diagnostic& d : diagnostics.items()) {
    if (d.message.find(part) != std::string::npos) return &d;
  }
  return nullptr;
}

inline int CountErrors(const Diagnostics& diagnostics) {
  int n = 0;
  for (const Diagnostic& d : diagnostics.items()) {
    if (d.severity == Diagnostic::Severity::kError) ++n;
  }
  return n;
}

// `text` with the first `from` replaced by `to`; a missing `from` fails the test.
inline std::string Replace(std::string_view text, std::string_view from, std::string_view to) {
  std::string out(text);
  std::size_t at = out.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) out.replace(at, from.size(), to);
  return out;
}

// Where the `nth` occurrence of `needle` starts in `text`, as a location in `file`.
inline SourceLocation Locate(const std::string& file, std::string_view text,
                             std::string_view needle, int nth = 0) {
  std::size_t at = text.find(needle);
  for (int i = 0; i < nth && at != std::string_view::npos; ++i) at = text.find(needle, at + 1);
  EXPECT_NE(at, std::string_view::npos) << "no `" << needle << "` in the test text";
  if (at == std::string_view::npos) return {};
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < at; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return SourceLocation{file, line, static_cast<int>(at - line_start) + 1};
}

}  // namespace pmbridge::testing

// Expects a diagnostic saying `part`, of `severity`, at `location`.
#define EXPECT_DIAGNOSTIC_AT(diagnostics, part, location, severity)                                \
  do {                                                                                             \
    const ::pmbridge::Diagnostic* found_ = ::pmbridge::testing::FindDiagnostic(diagnostics, part); \
    ASSERT_NE(found_, nullptr) << "no diagnostic saying `" << (part) << "` in:\n"                  \
                               << (diagnostics).ToString();                                        \
    EXPECT_EQ(found_->where.ToString(), (location).ToString()) << found_->ToString();              \
    EXPECT_EQ(found_->severity, severity) << found_->ToString();                                   \
  } while (0)

#define EXPECT_ERROR_AT(diagnostics, part, location) \
  EXPECT_DIAGNOSTIC_AT(diagnostics, part, location, ::pmbridge::Diagnostic::Severity::kError)
#define EXPECT_WARNING_AT(diagnostics, part, location) \
  EXPECT_DIAGNOSTIC_AT(diagnostics, part, location, ::pmbridge::Diagnostic::Severity::kWarning)
