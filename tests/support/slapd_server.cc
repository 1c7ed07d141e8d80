#include "tests/support/slapd_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sstream>
#include <stdexcept>

namespace pmbridge::testing {
namespace {

// True when nothing listens on 127.0.0.1:`port` at this moment.
bool LoopbackPortIsFree(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool free = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return free;
}

// A port P such that P and P+1 were both free a moment ago.
int FreeLoopbackPortPair() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    const int port = FreeLoopbackPort();
    if (port > 0 && port < 65535 && LoopbackPortIsFree(port + 1)) return port;
  }
  throw std::runtime_error("no pair of free loopback ports found");
}

}  // namespace

std::string ClinicLdif() { return SourceDir() + "/tests/fixtures/clinic.ldif"; }
std::string SlapdScript() { return SourceDir() + "/tests/fixtures/slapd.sh"; }

void WritePasswordFile(const std::string& path, const std::string& password) {
  WriteFile(path, password);  // mode 0600
}

std::unique_ptr<SlapdServer> SlapdServer::Start(const std::vector<std::string>& ldif_files) {
  // Another test may take the ports between choosing and binding them (ctest -j): retry
  // with fresh ports and a fresh directory when that is what went wrong.
  std::string error;
  for (int attempt = 0; attempt < 4; ++attempt) {
    std::unique_ptr<SlapdServer> server(new SlapdServer());
    server->port_ = FreeLoopbackPortPair();
    error = server->RunStart(ldif_files);
    if (error.empty()) return server;
    if (error.find("Address already in use") == std::string::npos) break;
  }
  throw std::runtime_error(error);
}

std::string SlapdServer::RunStart(const std::vector<std::string>& ldif_files) {
  std::vector<std::string> argv = {"/bin/sh", SlapdScript(), "start", dir_.path() + "/slapd",
                                   std::to_string(port_)};
  argv.insert(argv.end(), ldif_files.begin(), ldif_files.end());
  ProcessResult result = Run(argv, {{"SLAPD_OWNER_PID", std::to_string(getpid())}});
  if (result.exit_code != 0) {
    return "slapd.sh start failed (exit " + std::to_string(result.exit_code) + "):\n" + result.out +
           result.err;
  }
  std::istringstream lines(result.out);
  std::string line;
  while (std::getline(lines, line)) {
    const std::size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "LDAP_URL") url_ = value;
    if (key == "LDAPS_URL") ldaps_url_ = value;
    if (key == "LDAP_CA_FILE") ca_file_ = value;
  }
  running_ = true;
  if (url_.empty() || ldaps_url_.empty() || ca_file_.empty()) {
    return "slapd.sh start printed no LDAP_URL, LDAPS_URL or LDAP_CA_FILE:\n" + result.out;
  }
  return "";
}

SlapdServer::~SlapdServer() { Stop(); }

ProcessResult SlapdServer::Modify(const std::string& ldif) {
  ProcessResult result =
      Run({"ldapmodify", "-x", "-H", url_, "-D", kRootDn, "-w", kRootPassword}, {}, ldif);
  if (result.exit_code != 0) {
    ADD_FAILURE() << "ldapmodify failed (exit " << result.exit_code << "): " << result.err
                  << "\nLDIF:\n"
                  << ldif;
  }
  return result;
}

ProcessResult SlapdServer::Add(const std::string& ldif) {
  ProcessResult result =
      Run({"ldapmodify", "-a", "-x", "-H", url_, "-D", kRootDn, "-w", kRootPassword}, {}, ldif);
  if (result.exit_code != 0) {
    ADD_FAILURE() << "ldapmodify -a failed (exit " << result.exit_code << "): " << result.err
                  << "\nLDIF:\n"
                  << ldif;
  }
  return result;
}

void SlapdServer::Stop() {
  if (!running_) return;
  running_ = false;
  ProcessResult result = Run({"/bin/sh", SlapdScript(), "stop", dir_.path() + "/slapd"});
  if (result.exit_code != 0) {
    ADD_FAILURE() << "slapd.sh stop failed: " << result.out << result.err;
  }
}

void SlapdServer::Restart() {
  Stop();
  const std::string error = RunStart({});
  if (!error.empty()) throw std::runtime_error(error);
}

std::string SlapdServer::Log() const { return ReadFile(dir_.path() + "/slapd/slapd.log"); }

}  // namespace pmbridge::testing
