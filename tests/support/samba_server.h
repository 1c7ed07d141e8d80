// A real Active Directory domain controller for a test: tests/fixtures/samba.sh (Samba,
// realm CLINIC.TEST, base DN DC=clinic,DC=test) run on a fresh directory, stopped (and its
// directory removed) when the object goes away.
//
// Samba's LDAP server always uses port 389 of 127.0.0.1, so only one DC runs per network
// namespace: a test binary that starts one carries the ctest RESOURCE_LOCK samba_dc
// (pmbridge_add_test(... RESOURCE_LOCK samba_dc)). Starting costs ~1 s (a copy of a cached
// provisioned domain; the very first start on a machine provisions it, ~6-8 s): start one
// per test suite (SetUpTestSuite) and give each test its own OU.
#pragma once

#include <memory>
#include <string>

#include "bridge/config/config.h"
#include "tests/support/process.h"

namespace pmbridge::testing {

// The fixture's fixed domain and credentials (tests/fixtures/samba.sh).
inline constexpr char kAdBaseDn[] = "DC=clinic,DC=test";
inline constexpr char kAdAdminDn[] = "CN=Administrator,CN=Users,DC=clinic,DC=test";
inline constexpr char kAdAdminUpn[] = "Administrator@clinic.test";
inline constexpr char kAdAdminPassword[] = "Clinic-Admin-1";

// tests/fixtures/samba.sh.
std::string SambaScript();

class SambaServer {
 public:
  // Starts a DC on a fresh copy of the provisioned domain. Throws std::runtime_error with
  // the fixture's output and the server log when it does not come up (port 389 taken,
  // say); gtest reports that as a failure.
  static std::unique_ptr<SambaServer> Start();

  ~SambaServer();
  SambaServer(const SambaServer&) = delete;
  SambaServer& operator=(const SambaServer&) = delete;

  const std::string& url() const { return url_; }              // ldap://127.0.0.1:389
  const std::string& ldaps_url() const { return ldaps_url_; }  // ldaps://127.0.0.1:636
  const std::string& ca_file() const { return ca_file_; }      // names 127.0.0.1 (PEM)
  const std::string& base_dn() const { return base_dn_; }      // DC=clinic,DC=test
  const std::string& admin_dn() const { return admin_dn_; }    // CN=Administrator,CN=Users,...
  const std::string& admin_password() const { return admin_password_; }
  const std::string& dir() const { return dir_.path(); }

  // Stops samba (bounded wait, SIGKILL fallback; port 389 is free afterwards). Idempotent.
  void Stop();
  // Stops if running, then starts again on the same directory: same data. Throws like
  // Start on failure.
  void Restart();

  // The server log (DIR/samba.log).
  std::string Log() const;

 private:
  SambaServer() = default;
  // Runs samba.sh start on dir_; "" on success, else what went wrong.
  std::string RunStart();
  // The fixture's DIR: the temporary directory itself, so that the watcher of a crashed
  // test removes all of it.
  std::string DcDir() const { return dir_.path(); }

  TempDir dir_;
  bool running_ = false;
  std::string url_;
  std::string ldaps_url_;
  std::string ca_file_;
  std::string base_dn_;
  std::string admin_dn_;
  std::string admin_password_;
};

// The active_directory flavour's defaults (bridge/config/config_loader.cc) for `dc`,
// bound as its Administrator: users under `users_base`, groups under `groups_base` (any
// DN form), followed by `strategy` polling every 50 ms.
DirectoryConfig AdDirectoryConfig(const SambaServer& dc, const std::string& users_base,
                                  const std::string& groups_base, ChangeDetection strategy);

}  // namespace pmbridge::testing
