#include "bridge/diagnostic.h"

#include <algorithm>

namespace pmbridge {

std::string Diagnostic::ToString() const {
  std::string out = where.ToString();
  if (!out.empty()) out += ": ";
  out += severity == Severity::kError ? "error: " : "warning: ";
  out += message;
  if (!yaml_path.empty()) out += " (at " + yaml_path + ")";
  if (!hint.empty()) out += "\n  hint: " + hint;
  return out;
}

void Diagnostics::Error(SourceLocation where, std::string yaml_path, std::string message,
                        std::string hint) {
  items_.push_back({Diagnostic::Severity::kError, std::move(where), std::move(yaml_path),
                    std::move(message), std::move(hint)});
}

void Diagnostics::Warning(SourceLocation where, std::string yaml_path, std::string message,
                          std::string hint) {
  items_.push_back({Diagnostic::Severity::kWarning, std::move(where), std::move(yaml_path),
                    std::move(message), std::move(hint)});
}

void Diagnostics::Append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

bool Diagnostics::has_errors() const {
  return std::any_of(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.severity == Diagnostic::Severity::kError;
  });
}

std::string Diagnostics::ToString() const {
  std::string out;
  for (const Diagnostic& d : items_) out += d.ToString() + "\n";
  return out;
}

}  // namespace pmbridge
