#include "tests/support/samba_server.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <stdexcept>

#include "bridge/dn.h"

namespace pmbridge::testing {

std::string SambaScript() { return SourceDir() + "/tests/fixtures/samba.sh"; }

std::unique_ptr<SambaServer> SambaServer::Start() {
  std::unique_ptr<SambaServer> server(new SambaServer());
  const std::string error = server->RunStart();
  if (!error.empty()) throw std::runtime_error(error);
  return server;
}

std::string SambaServer::RunStart() {
  // The watcher (OWNER_PID) stops samba should this process die without its destructors.
  ProcessResult result =
      Run({"/bin/sh", SambaScript(), "start", DcDir(), std::to_string(getpid())});
  if (result.exit_code != 0) {
    return "samba.sh start failed (exit " + std::to_string(result.exit_code) + "):\n" + result.out +
           result.err;
  }
  running_ = true;
  std::istringstream lines(result.out);
  std::string line;
  while (std::getline(lines, line)) {
    const std::size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "LDAP_URL") url_ = value;
    if (key == "LDAPS_URL") ldaps_url_ = value;
    if (key == "LDAP_CA_FILE") ca_file_ = value;
    if (key == "BASE_DN") base_dn_ = value;
    if (key == "ADMIN_DN") admin_dn_ = value;
    if (key == "ADMIN_PASSWORD") admin_password_ = value;
  }
  if (url_.empty() || base_dn_.empty() || admin_dn_.empty() || admin_password_.empty()) {
    Stop();
    return "samba.sh start printed no LDAP_URL, BASE_DN, ADMIN_DN or ADMIN_PASSWORD:\n" +
           result.out + "\n--- samba.log ---\n" + Log();
  }
  return "";
}

SambaServer::~SambaServer() { Stop(); }

void SambaServer::Stop() {
  if (!running_) return;
  running_ = false;
  ProcessResult result = Run({"/bin/sh", SambaScript(), "stop", DcDir()});
  if (result.exit_code != 0) {
    ADD_FAILURE() << "samba.sh stop failed: " << result.out << result.err;
  }
}

void SambaServer::Restart() {
  Stop();
  const std::string error = RunStart();
  if (!error.empty()) throw std::runtime_error(error);
}

std::string SambaServer::Log() const { return ReadFile(DcDir() + "/samba.log"); }

DirectoryConfig AdDirectoryConfig(const SambaServer& dc, const std::string& users_base,
                                  const std::string& groups_base, ChangeDetection strategy) {
  DirectoryConfig config;
  config.url = dc.url();
  config.flavor = DirectoryFlavor::kActiveDirectory;
  config.change_detection = strategy;
  config.bind_dn = dc.admin_dn();
  config.timeout = std::chrono::seconds(30);
  config.poll_interval = std::chrono::milliseconds(50);
  config.users.base_dn = NormalizeDn(users_base).value();
  config.users.filter = "(&(objectCategory=person)(objectClass=user))";
  config.users.attributes = {"sAMAccountName", "objectGUID", "givenName", "sn", "initials", "mail"};
  config.groups.base_dn = NormalizeDn(groups_base).value();
  config.groups.filter = "(objectClass=group)";
  config.groups.member_attribute = "member";
  return config;
}

}  // namespace pmbridge::testing
