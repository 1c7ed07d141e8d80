// pmbridge: starts pmbridge-core, the program itself, with its heap on transparent huge
// pages (huge_page_heap.h). Linked statically, it starts in well under a millisecond: the
// program links some 30 shared libraries, and loading them twice, once to find the heap
// tunables missing and once more with them, cost 20 ms a command.
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <string>

#include "bridge/cli/exit_codes.h"
#include "bridge/cli/huge_page_heap.h"

namespace {

// Where pmbridge-core is, from the launcher's directory: beside it in a build tree, in
// libexec/pmbridge when installed.
constexpr const char* kCorePaths[] = {"/pmbridge-core", "/../libexec/pmbridge/pmbridge-core"};

// The launcher's directory: from /proc, else from how it was called; "." if neither says.
std::string OwnDirectory(const char* called_as) {
  char path[PATH_MAX];
  const ssize_t length = readlink("/proc/self/exe", path, sizeof(path) - 1);
  std::string self = length > 0 ? std::string(path, static_cast<std::size_t>(length))
                                : std::string(called_as != nullptr ? called_as : "");
  const std::size_t slash = self.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? std::string() : self.substr(0, slash);
}

}  // namespace

int main(int /*argc*/, char** argv) {
  pmbridge::AddHeapTunables();
  const std::string directory = OwnDirectory(argv[0]);
  std::string tried;
  int error = ENOENT;
  for (const char* path : kCorePaths) {
    const std::string core = directory + path;
    execv(core.c_str(), argv);
    if (errno != ENOENT || tried.empty()) {
      error = errno;
      tried = core;
    }
  }
  std::fprintf(stderr, "pmbridge: cannot start %s: %s\n", tried.c_str(), std::strerror(error));
  return pmbridge::kExitError;
}
