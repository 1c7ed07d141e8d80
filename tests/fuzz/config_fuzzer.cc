// The bridge.yaml loader on arbitrary text: no crash and no exception; a config that loads
// has the required parts and normal-form base DNs.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bridge/config/config.h"
#include "bridge/dn.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // Relative paths resolve against /tmp, which exists; nothing is written.
  pmbridge::ConfigLoad load = pmbridge::LoadConfigFromText(text, "/tmp/pmbridge-fuzz.yaml");
  if (load.config.has_value() == load.diagnostics.has_errors()) __builtin_trap();
  if (!load.config) return 0;
  const pmbridge::Config& c = *load.config;
  if (c.directory.url.empty() || c.database.backend.empty() || c.mappings_path.empty()) {
    __builtin_trap();
  }
  pmbridge::Result<std::string> base = pmbridge::NormalizeDn(c.directory.users.base_dn);
  if (!base.ok() || *base != c.directory.users.base_dn) __builtin_trap();
  (void)c.safety.max_disables_per_run.Limit(static_cast<int>(size));
  (void)load.diagnostics.ToString();
  return 0;
}
