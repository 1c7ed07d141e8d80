// NormalizeDn and DnIsWithin on arbitrary bytes: no crash, no sanitizer report, and the
// properties comparisons rely on — a normal form is its own normal form, and a DN is
// within itself and within the root.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "bridge/dn.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view dn(reinterpret_cast<const char*>(data), size);
  pmbridge::Result<std::string> normal = pmbridge::NormalizeDn(dn);
  if (!normal.ok()) {
    if (pmbridge::DnIsWithin(dn, dn)) __builtin_trap();  // malformed is within nothing
    return 0;
  }
  pmbridge::Result<std::string> again = pmbridge::NormalizeDn(*normal);
  if (!again.ok() || *again != *normal) __builtin_trap();
  if (!pmbridge::DnIsWithin(dn, *normal) || !pmbridge::DnIsWithin(*normal, "")) {
    __builtin_trap();
  }
  // Split the input in two and use the halves as DN and base: any answer, no crash.
  std::size_t half = size / 2;
  (void)pmbridge::DnIsWithin(dn.substr(0, half), dn.substr(half));
  return 0;
}
