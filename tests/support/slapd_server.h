// A real slapd for a test: tests/fixtures/slapd.sh run on a fresh directory and a pair of
// free loopback ports, stopped (and its directory removed) when the object goes away.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace pmbridge::testing {

// The fixture's fixed credentials (tests/fixtures/slapd.sh, tests/fixtures/clinic.ldif).
inline constexpr char kClinicSuffix[] = "dc=clinic,dc=example";
inline constexpr char kRootDn[] = "cn=admin,dc=clinic,dc=example";
inline constexpr char kRootPassword[] = "admin-secret";
inline constexpr char kServiceBindDn[] = "cn=pmbridge,ou=services,dc=clinic,dc=example";
inline constexpr char kServicePassword[] = "pmbridge-demo-secret";

// tests/fixtures/clinic.ldif: the sample clinic of /work/notes/common.md.
std::string ClinicLdif();
// tests/fixtures/slapd.sh.
std::string SlapdScript();

// Writes `password` to `path` with mode 0600 and no trailing newline, as
// bind_password_file expects.
void WritePasswordFile(const std::string& path, const std::string& password);

class SlapdServer {
 public:
  // Starts slapd with the entries of `ldif_files` (nothing is implied: pass ClinicLdif()
  // for the sample clinic). Throws std::runtime_error with the fixture's output and the
  // server log when it does not come up; gtest reports that as a test failure.
  static std::unique_ptr<SlapdServer> Start(const std::vector<std::string>& ldif_files);

  ~SlapdServer();
  SlapdServer(const SlapdServer&) = delete;
  SlapdServer& operator=(const SlapdServer&) = delete;

  const std::string& url() const { return url_; }              // ldap://127.0.0.1:PORT
  const std::string& ldaps_url() const { return ldaps_url_; }  // ldaps://127.0.0.1:PORT+1
  const std::string& ca_file() const { return ca_file_; }      // the throwaway CA (PEM)
  const std::string& dir() const { return dir_.path(); }
  int port() const { return port_; }

  // Runs ldapmodify as the rootdn with `ldif` on standard input; a failure is a test
  // failure (ADD_FAILURE) and is returned for inspection.
  ProcessResult Modify(const std::string& ldif);
  // Modify with -a: entries without a changetype are added.
  ProcessResult Add(const std::string& ldif);

  // Stops slapd (bounded wait). Idempotent.
  void Stop();
  // Stops if running, then starts again: same directory, same ports, same data. Throws
  // like Start on failure.
  void Restart();

  // The server log (slapd -d stats).
  std::string Log() const;

 private:
  SlapdServer() = default;
  // Runs slapd.sh start on dir_ with port_; "" on success, else what went wrong.
  std::string RunStart(const std::vector<std::string>& ldif_files);

  TempDir dir_;
  int port_ = 0;
  bool running_ = false;
  std::string url_;
  std::string ldaps_url_;
  std::string ca_file_;
};

}  // namespace pmbridge::testing
