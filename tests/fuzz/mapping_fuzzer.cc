// The mapping loader on arbitrary text: no crash and no exception, whatever yaml-cpp makes
// of it; a mapping that loads is consistent (normal-form DNs, known roles).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bridge/config/mapping.h"
#include "bridge/dn.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  pmbridge::MappingLoad load = pmbridge::LoadMappingsFromText(text, "fuzz.yaml");
  if (load.mapping.has_value() == load.diagnostics.has_errors()) __builtin_trap();
  if (!load.mapping) return 0;
  for (const pmbridge::GroupRule& rule : load.mapping->groups) {
    pmbridge::Result<std::string> dn = pmbridge::NormalizeDn(rule.dn);
    if (!dn.ok() || *dn != rule.dn || rule.dn.empty()) __builtin_trap();
    if (load.mapping->roles.count(rule.role) == 0) __builtin_trap();
    if (load.mapping->FindGroup(rule.dn) == nullptr) __builtin_trap();
  }
  (void)load.diagnostics.ToString();
  return 0;
}
