// Diagnostics: the errors and warnings found in the administrator's files. `check` prints
// all of them at once, so loaders collect rather than stop at the first.
#pragma once

#include <string>
#include <vector>

#include "bridge/source_location.h"

namespace pmbridge {

struct Diagnostic {
  enum class Severity { kError, kWarning };

  Severity severity = Severity::kError;
  SourceLocation where;
  std::string yaml_path;  // e.g. "directory.users.base_dn"; empty when not applicable
  std::string message;    // what is wrong
  std::string hint;       // what to do; may be empty

  // "file:line:col: error: message (at yaml.path)\n  hint: ..." — one line plus an
  // optional hint line.
  std::string ToString() const;
};

class Diagnostics {
 public:
  void Error(SourceLocation where, std::string yaml_path, std::string message,
             std::string hint = {});
  void Warning(SourceLocation where, std::string yaml_path, std::string message,
               std::string hint = {});
  void Append(const Diagnostics& other);

  bool has_errors() const;
  const std::vector<Diagnostic>& items() const { return items_; }

  // Every diagnostic, one per ToString(), in the order they were found.
  std::string ToString() const;

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace pmbridge
