// Running real programs from tests: the pmbridge binary, fixture scripts, ldapmodify.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace pmbridge::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;      // the signal that ended it, or 0
  std::string out;     // standard output
  std::string err;     // standard error
};

// Runs argv[0] (searched in PATH) with `argv`, extra environment `env` and optional
// standard input, and waits for it. Never throws; a failure to start is exit_code 127.
ProcessResult Run(const std::vector<std::string>& argv,
                  const std::map<std::string, std::string>& env = {},
                  const std::string& stdin_text = {});

// Runs `script` with /bin/sh -c.
ProcessResult Shell(const std::string& script, const std::map<std::string, std::string>& env = {});

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string File(const std::string& name) const;

 private:
  std::string path_;
};

// Writes `text` to `path` (mode 0600), creating or replacing it.
void WriteFile(const std::string& path, const std::string& text);
std::string ReadFile(const std::string& path);

// The absolute path of the source tree (compiled in) and of the build's pmbridge binary.
std::string SourceDir();
std::string PmbridgeBinary();

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreeLoopbackPort();

}  // namespace pmbridge::testing
