#include "bridge/cli/huge_page_heap.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace pmbridge {
namespace {

constexpr const char* kTunable = "glibc.malloc.hugetlb";
constexpr const char* kTopPad = "glibc.malloc.top_pad";
constexpr const char* kTopPadBytes = "67108864";  // 64 MiB, a thread heap's most
// Set on the re-execution, so a tunable stripped by something in between cannot loop.
constexpr const char* kDoneMarker = "PMBRIDGE_HEAP_TUNED";

}  // namespace

void UseHugePagesForHeap(char** argv) {
  if (std::getenv(kDoneMarker) != nullptr) return;
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables != nullptr && std::strstr(tunables, kTunable) != nullptr) return;
  std::string value = std::string(kTunable) + "=1";
  if (tunables == nullptr || std::strstr(tunables, kTopPad) == nullptr) {
    value += std::string(":") + kTopPad + "=" + kTopPadBytes;
  }
  if (tunables != nullptr && *tunables != '\0') value = std::string(tunables) + ":" + value;
  if (setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0 || setenv(kDoneMarker, "1", 1) != 0) {
    return;
  }
  execv("/proc/self/exe", argv);
  // No /proc, or exec refused: run on as we are, without the tunable.
  unsetenv(kDoneMarker);
  if (tunables != nullptr) {
    setenv("GLIBC_TUNABLES", tunables, 1);
  } else {
    unsetenv("GLIBC_TUNABLES");
  }
}

}  // namespace pmbridge
