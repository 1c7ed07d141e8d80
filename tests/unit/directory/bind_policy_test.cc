#include "connectors/directory/bind_policy.h"

#include <gtest/gtest.h>

namespace pmbridge {
namespace {

TEST(IsLoopbackHostTest, LoopbackNamesAndAddresses) {
  for (const char* host : {"127.0.0.1", "127.1.2.3", "127.255.255.254", "::1", "localhost",
                           "LOCALHOST", "localhost."}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
}

TEST(IsLoopbackHostTest, EverythingElse) {
  for (const char* host :
       {"", "10.0.0.1", "128.0.0.1", "0.0.0.0", "::", "::2", "fe80::1", "::ffff:10.0.0.1",
        "localhost.example.com", "ldap.example.invalid", "127.0.0.1.example.com", "mylocalhost"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

DirectoryConfig Config(std::string url) {
  DirectoryConfig config;
  config.url = std::move(url);
  config.bind_dn = "cn=pmbridge,ou=services,dc=clinic,dc=example";
  return config;
}

TEST(CheckBindPolicyTest, PlaintextBindToRemoteHostIsRefused) {
  Status status = CheckBindPolicy(Config("ldap://ldap.example.invalid:389"), true);
  ASSERT_EQ(status.code(), ErrorCode::kInvalidInput);
  EXPECT_NE(status.message().find("plaintext"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("ldap://ldap.example.invalid:389"), std::string::npos);
  EXPECT_NE(status.message().find("allow_insecure_bind"), std::string::npos);
  EXPECT_NE(status.message().find("start_tls"), std::string::npos);
}

TEST(CheckBindPolicyTest, EveryUrlOfAListIsChecked) {
  Status status =
      CheckBindPolicy(Config("ldap://127.0.0.1:389 ldap://ldap.example.invalid:389"), true);
  EXPECT_EQ(status.code(), ErrorCode::kInvalidInput);
  EXPECT_TRUE(
      CheckBindPolicy(Config("ldap://127.0.0.1:389,ldaps://ldap.example.invalid"), true).ok());
}

TEST(CheckBindPolicyTest, EncryptedLoopbackOrAllowedBindsPass) {
  EXPECT_TRUE(CheckBindPolicy(Config("ldaps://ldap.example.invalid"), true).ok());
  EXPECT_TRUE(CheckBindPolicy(Config("ldap://127.0.0.1:3389"), true).ok());
  EXPECT_TRUE(CheckBindPolicy(Config("ldap://[::1]:3389"), true).ok());
  EXPECT_TRUE(CheckBindPolicy(Config("ldap://localhost"), true).ok());
  EXPECT_TRUE(CheckBindPolicy(Config("ldapi:///"), true).ok());

  DirectoryConfig start_tls = Config("ldap://ldap.example.invalid");
  start_tls.start_tls = true;
  EXPECT_TRUE(CheckBindPolicy(start_tls, true).ok());

  DirectoryConfig allowed = Config("ldap://ldap.example.invalid");
  allowed.allow_insecure_bind = true;
  EXPECT_TRUE(CheckBindPolicy(allowed, true).ok());

  DirectoryConfig anonymous = Config("ldap://ldap.example.invalid");
  anonymous.bind_dn.clear();
  EXPECT_TRUE(CheckBindPolicy(anonymous, false).ok());
}

TEST(CheckBindPolicyTest, BindDnWithoutPasswordIsRefused) {
  Status status = CheckBindPolicy(Config("ldaps://ldap.example.invalid"), false);
  ASSERT_EQ(status.code(), ErrorCode::kInvalidInput);
  EXPECT_NE(status.message().find("anonymous"), std::string::npos) << status.message();
}

TEST(CheckBindPolicyTest, StartTlsOnLdapsIsRefused) {
  DirectoryConfig config = Config("ldaps://127.0.0.1:636");
  config.start_tls = true;
  EXPECT_EQ(CheckBindPolicy(config, true).code(), ErrorCode::kInvalidInput);
}

TEST(CheckBindPolicyTest, MalformedUrlIsRefused) {
  for (const char* url : {"", "http://127.0.0.1", "ldap://127.0.0.1:notaport", "127.0.0.1"}) {
    EXPECT_EQ(CheckBindPolicy(Config(url), true).code(), ErrorCode::kInvalidInput) << url;
  }
}

}  // namespace
}  // namespace pmbridge
