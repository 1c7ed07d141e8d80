// Connecting and binding: wrong credentials, an unreachable or silent server, and the
// plaintext-bind refusal, each a clear error that names the server but never the password.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bridge/clock.h"
#include "connectors/directory/ldap_directory.h"
#include "tests/integration/directory/clinic_directory.h"

namespace pmbridge::testing {
namespace {

// A TCP listener on 127.0.0.1 that accepts connections (the kernel completes them from
// the backlog) and never answers.
class SilentServer {
 public:
  SilentServer() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(listen(fd_, 16), 0);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentServer() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

Status ConnectWith(const DirectoryConfig& config, const std::string& password) {
  Result<std::unique_ptr<DirectorySource>> directory = OpenDirectory(config, password);
  if (!directory.ok()) return directory.status();
  return (*directory)->Connect();
}

TEST(LdapConnectionTest, WrongPasswordIsADirectoryErrorNamingTheBind) {
  std::unique_ptr<SlapdServer> server = SlapdServer::Start({ClinicLdif()});
  const DirectoryConfig config = ClinicDirectoryConfig(server->url());
  Status status = ConnectWith(config, "not-the-password");
  ASSERT_EQ(status.code(), ErrorCode::kDirectory) << status.ToString();
  EXPECT_NE(status.message().find("Invalid credentials"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find(kServiceBindDn), std::string::npos);
  EXPECT_NE(status.message().find(server->url()), std::string::npos);
  EXPECT_EQ(status.message().find("not-the-password"), std::string::npos);

  Result<DirectorySnapshot> snapshot = ReadClinic(config, "not-the-password");
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.status().code(), ErrorCode::kDirectory);

  EXPECT_TRUE(ConnectWith(config, kServicePassword).ok());
}

TEST(LdapConnectionTest, ClosedPortFailsAtOnce) {
  // libldap writes the bind to the refused socket: the connector, not the process's
  // signal disposition, must keep SIGPIPE from ending the program.
  signal(SIGPIPE, SIG_DFL);
  const std::string url = "ldap://127.0.0.1:" + std::to_string(FreeLoopbackPort());
  DirectoryConfig config = ClinicDirectoryConfig(url);
  Status status = ConnectWith(config, kServicePassword);
  ASSERT_EQ(status.code(), ErrorCode::kDirectory) << status.ToString();
  EXPECT_NE(status.message().find(url), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("Can't contact LDAP server"), std::string::npos)
      << status.message();
  EXPECT_EQ(status.message().find(kServicePassword), std::string::npos);
}

TEST(LdapConnectionTest, SilentServerTimesOut) {
  SilentServer silent;
  DirectoryConfig config =
      ClinicDirectoryConfig("ldap://127.0.0.1:" + std::to_string(silent.port()));
  config.timeout = std::chrono::milliseconds(300);
  Status status = ConnectWith(config, kServicePassword);
  ASSERT_EQ(status.code(), ErrorCode::kDirectory) << status.ToString();
  EXPECT_NE(status.message().find("bind as " + std::string(kServiceBindDn)), std::string::npos)
      << status.message();
}

TEST(LdapConnectionTest, SilentServerTimesOutDuringTlsHandshake) {
  SilentServer silent;
  DirectoryConfig config =
      ClinicDirectoryConfig("ldaps://127.0.0.1:" + std::to_string(silent.port()));
  config.timeout = std::chrono::milliseconds(300);
  EXPECT_EQ(ConnectWith(config, kServicePassword).code(), ErrorCode::kDirectory);
}

TEST(LdapConnectionTest, PlaintextBindToARemoteHostIsRefusedBeforeConnecting) {
  // ldap.example.invalid cannot resolve (RFC 2606): the refusal comes before any lookup.
  DirectoryConfig config = ClinicDirectoryConfig("ldap://ldap.example.invalid:389");
  Result<std::unique_ptr<DirectorySource>> directory = OpenDirectory(config, kServicePassword);
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.status().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(directory.status().message().find("refusing a plaintext simple bind to "
                                              "ldap://ldap.example.invalid:389"),
            std::string::npos)
      << directory.status().message();
  EXPECT_EQ(directory.status().message().find(kServicePassword), std::string::npos);

  config.allow_insecure_bind = true;
  EXPECT_TRUE(OpenDirectory(config, kServicePassword).ok());
  config.allow_insecure_bind = false;
  config.start_tls = true;
  EXPECT_TRUE(OpenDirectory(config, kServicePassword).ok());
}

TEST(LdapConnectionTest, InvalidSettingsAreRefused) {
  DirectoryConfig config = ClinicDirectoryConfig("ldap://127.0.0.1:389");
  config.page_size = 0;
  EXPECT_EQ(OpenDirectory(config, kServicePassword).status().code(), ErrorCode::kInvalidInput);
  config = ClinicDirectoryConfig("ldap://127.0.0.1:389");
  config.timeout = std::chrono::milliseconds(0);
  EXPECT_EQ(OpenDirectory(config, kServicePassword).status().code(), ErrorCode::kInvalidInput);
  config = ClinicDirectoryConfig("ldap://127.0.0.1:389");
  EXPECT_EQ(OpenDirectory(config, "").status().code(), ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace pmbridge::testing
