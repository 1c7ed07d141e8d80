#include "bridge/cli/huge_page_heap.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

namespace pmbridge {
namespace {

constexpr const char* kTunable = "glibc.malloc.hugetlb";
constexpr const char* kTopPad = "glibc.malloc.top_pad";
constexpr const char* kTopPadBytes = "67108864";  // 64 MiB, a thread heap's most
// Set with the tunables, so a tunable stripped by something in between cannot loop.
constexpr const char* kDoneMarker = "PMBRIDGE_HEAP_TUNED";

// GLIBC_TUNABLES as this process was started, while AddHeapTunables' change stands.
std::optional<std::string> started_with;
bool changed = false;

}  // namespace

bool AddHeapTunables() {
  if (std::getenv(kDoneMarker) != nullptr) return false;
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables != nullptr && std::strstr(tunables, kTunable) != nullptr) return false;
  std::string value = std::string(kTunable) + "=1";
  if (tunables == nullptr || std::strstr(tunables, kTopPad) == nullptr) {
    value += std::string(":") + kTopPad + "=" + kTopPadBytes;
  }
  if (tunables != nullptr && *tunables != '\0') value = std::string(tunables) + ":" + value;
  if (tunables != nullptr) started_with = tunables;
  changed = true;
  if (setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0 || setenv(kDoneMarker, "1", 1) != 0) {
    RemoveHeapTunables();
    return false;
  }
  return true;
}

void RemoveHeapTunables() {
  if (!changed) return;
  unsetenv(kDoneMarker);
  if (started_with) {
    setenv("GLIBC_TUNABLES", started_with->c_str(), 1);
  } else {
    unsetenv("GLIBC_TUNABLES");
  }
  changed = false;
}

void UseHugePagesForHeap(char** argv) {
  if (!AddHeapTunables()) return;
  execv("/proc/self/exe", argv);
  // No /proc, or exec refused: run on as we are, without the tunable.
  RemoveHeapTunables();
}

}  // namespace pmbridge
