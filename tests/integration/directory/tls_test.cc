// TLS: ldaps:// and StartTLS verify the server certificate against tls_ca_file.
#include <gtest/gtest.h>

#include "tests/integration/directory/clinic_directory.h"

namespace pmbridge::testing {
namespace {

class LdapTlsTest : public ::testing::Test {
 protected:
  void SetUp() override { server_ = SlapdServer::Start({ClinicLdif()}); }

  // A second throwaway CA that signed nothing the server presents.
  std::string OtherCa() {
    const std::string conf = dir_.File("other-ca.cnf");
    WriteFile(conf,
              "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = other CA\n"
              "[ca]\nbasicConstraints = critical, CA:TRUE\n"
              "keyUsage = critical, keyCertSign, cRLSign\n");
    const std::string pem = dir_.File("other-ca.pem");
    ProcessResult made = pmbridge::testing::Run(
        {"openssl", "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:prime256v1", "-nodes", "-config", conf, "-extensions", "ca", "-days",
         "1", "-keyout", dir_.File("other-ca.key"), "-out", pem});
    EXPECT_EQ(made.exit_code, 0) << made.err;
    return pem;
  }

  TempDir dir_;
  std::unique_ptr<SlapdServer> server_;
};

TEST_F(LdapTlsTest, LdapsWithTheRightCaReads) {
  DirectoryConfig config = ClinicDirectoryConfig(server_->ldaps_url());
  config.tls_ca_file = server_->ca_file();
  Result<DirectorySnapshot> snapshot = ReadClinic(config);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->users.size(), 8u);
}

TEST_F(LdapTlsTest, LdapsWithAnotherCaFailsVerification) {
  DirectoryConfig config = ClinicDirectoryConfig(server_->ldaps_url());
  config.tls_ca_file = OtherCa();
  Result<DirectorySnapshot> snapshot = ReadClinic(config);
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.status().code(), ErrorCode::kDirectory);
  EXPECT_NE(snapshot.status().message().find(server_->ldaps_url()), std::string::npos)
      << snapshot.status().message();
  EXPECT_NE(snapshot.status().message().find("tls_ca_file"), std::string::npos);
  // The server saw a handshake fail, never a bind.
  EXPECT_EQ(server_->Log().find("BIND dn=\"" + std::string(kServiceBindDn)), std::string::npos);
}

TEST_F(LdapTlsTest, StartTlsWithTheRightCaReads) {
  DirectoryConfig config = ClinicDirectoryConfig(server_->url());
  config.start_tls = true;
  config.tls_ca_file = server_->ca_file();
  Result<DirectorySnapshot> snapshot = ReadClinic(config);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->users.size(), 8u);
  EXPECT_NE(server_->Log().find("EXT oid=1.3.6.1.4.1.1466.20037"), std::string::npos);
}

TEST_F(LdapTlsTest, StartTlsWithAnotherCaFailsBeforeBinding) {
  DirectoryConfig config = ClinicDirectoryConfig(server_->url());
  config.start_tls = true;
  config.tls_ca_file = OtherCa();
  Result<DirectorySnapshot> snapshot = ReadClinic(config);
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.status().code(), ErrorCode::kDirectory);
  EXPECT_NE(snapshot.status().message().find("StartTLS"), std::string::npos)
      << snapshot.status().message();
  EXPECT_EQ(server_->Log().find("BIND dn=\"" + std::string(kServiceBindDn)), std::string::npos);
}

TEST_F(LdapTlsTest, MissingCaFileIsNamed) {
  DirectoryConfig config = ClinicDirectoryConfig(server_->ldaps_url());
  config.tls_ca_file = dir_.File("no-such-ca.pem");
  Result<DirectorySnapshot> snapshot = ReadClinic(config);
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.status().code(), ErrorCode::kDirectory);
  EXPECT_NE(snapshot.status().message().find("no-such-ca.pem"), std::string::npos)
      << snapshot.status().message();
}

}  // namespace
}  // namespace pmbridge::testing
