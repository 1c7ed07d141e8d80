// Where something was written: file, line and column (1-based), for error messages and
// for `explain`, which names the mapping rule that grants a right.
#pragma once

#include <string>

namespace pmbridge {

struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown

  // "file:line:col", "file:line" when the column is unknown, "file" when both are.
  std::string ToString() const;
  bool operator==(const SourceLocation&) const = default;
};

}  // namespace pmbridge
