// The DirSync follower's pure parts: base64 for the cookie, the position text, the
// attributes a filter tests, and what one DirSync entry's attributes say changed (the
// shapes Samba was measured to send).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "connectors/directory/base64.h"
#include "connectors/directory/dirsync_change.h"
#include "connectors/directory/dirsync_position.h"
#include "connectors/directory/filter_attributes.h"

namespace pmbridge {
namespace {

TEST(Base64Test, RoundTripsEveryLength) {
  std::string bytes;
  for (int n = 0; n < 70; ++n) {
    const std::string text = EncodeBase64(bytes);
    EXPECT_EQ(text.size() % 4, 0u);
    std::optional<std::string> back = DecodeBase64(text);
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_EQ(*back, bytes);
    bytes.push_back(static_cast<char>(n * 37 + 200));
  }
}

TEST(Base64Test, KnownValues) {
  EXPECT_EQ(EncodeBase64("f"), "Zg==");
  EXPECT_EQ(EncodeBase64("fo"), "Zm8=");
  EXPECT_EQ(EncodeBase64("foo"), "Zm9v");
  EXPECT_EQ(DecodeBase64("Zm9vYg=="), "foob");
}

TEST(Base64Test, RejectsWhatIsNotCanonical) {
  for (const char* text :
       {"Zg=", "Zg", "Z===", "Zm9v\n", " Zm9v", "Zm9v Zm9v", "Zm*v", "Zh==", "=Zm9", "Zm=v"}) {
    EXPECT_FALSE(DecodeBase64(text).has_value()) << text;
  }
}

TEST(DirsyncPositionTest, RoundTripAndEmpty) {
  const std::string cookie("MSDS\x03\x00\x00\x00\x80\xa4", 10);
  const std::string text = FormatDirsyncPosition(cookie);
  EXPECT_EQ(text.rfind("dirsync:", 0), 0u);
  Result<std::string> back = ParseDirsyncPosition(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, cookie);
  Result<std::string> empty = ParseDirsyncPosition("");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");
}

TEST(DirsyncPositionTest, MalformedIsInvalidInput) {
  for (const char* text : {"dirsync:", "dirsync:***", "usn:123", R"({"users":"x"})",
                           "dirsync:TVNEUw", "DIRSYNC:TVNEUw=="}) {
    Result<std::string> cookie = ParseDirsyncPosition(text);
    ASSERT_FALSE(cookie.ok()) << text;
    EXPECT_EQ(cookie.status().code(), ErrorCode::kInvalidInput) << text;
  }
}

TEST(FilterAttributesTest, NamesEachTestedTypeOnce) {
  EXPECT_EQ(FilterAttributes("(&(objectCategory=person)(objectClass=user)(!(department=x\\28y"
                             "\\29))(|(cn>=a)(sn~=b)(mail=*)(OBJECTCLASS=person)))"),
            (std::vector<std::string>{"objectCategory", "objectClass", "department", "cn", "sn",
                                      "mail"}));
  EXPECT_EQ(FilterAttributes("(userAccountControl:1.2.840.113556.1.4.803:=2)"),
            (std::vector<std::string>{"userAccountControl"}));
  EXPECT_EQ(FilterAttributes("(:dn:2.5.13.5:=x)"), std::vector<std::string>{});
  EXPECT_EQ(FilterAttributes("(userCertificate;binary=*)"),
            (std::vector<std::string>{"userCertificate"}));
}

DirectoryConfig AdConfig() {
  DirectoryConfig config;
  config.flavor = DirectoryFlavor::kActiveDirectory;
  config.users.attributes.anchor = "objectGUID";
  config.groups.member_attribute = "member";
  return config;
}

berval Value(const std::string& text) {
  return berval{static_cast<ber_len_t>(text.size()), const_cast<char*>(text.data())};
}

// Folds (description, values) pairs as one DirSync entry would carry them.
DirsyncChange Fold(const std::vector<std::pair<std::string, std::vector<std::string>>>& attrs,
                   std::vector<std::string>* warnings) {
  DirsyncChange change;
  change.dn = "CN=G1,OU=Staff,DC=clinic,DC=test";
  const DirectoryConfig config = AdConfig();
  for (const auto& [description, values] : attrs) {
    std::vector<berval> bervals;
    for (const std::string& v : values) bervals.push_back(Value(v));
    Status status = AddDirsyncAttribute(description, bervals, config, &change, warnings);
    EXPECT_TRUE(status.ok()) << status.ToString();
  }
  return change;
}

const std::string kGuidBytes("\x35\x49\x02\x2e\xdc\x56\xe5\x47\x85\x71\x18\x47\xda\x8b\x54\x3c",
                             16);

TEST(DirsyncChangeTest, IncrementalMemberValues) {
  std::vector<std::string> warnings;
  DirsyncChange change =
      Fold({{"member;range=0-0", {"CN=Alice,OU=Staff,DC=clinic,DC=test"}},
            {"member;range=1-1",
             {"CN=G2,OU=Staff,DC=clinic,DC=test",
              "<GUID=5af638e0-5194-4d3f-a5c9-15ff3e78843c>;<SID=S-1-5-21-1-2-3-1102>;CN=Bob,OU="
              "Staff,DC=clinic,DC=test",
              "not a dn"}},
            {"objectGUID", {kGuidBytes}},
            {"instanceType", {"4"}}},
           &warnings);
  EXPECT_EQ(change.anchor, "2e024935-56dc-47e5-8571-1847da8b543c");
  EXPECT_TRUE(change.MembersOnly());
  EXPECT_EQ(change.members_removed,
            std::vector<std::string>{"cn=alice,ou=staff,dc=clinic,dc=test"});
  EXPECT_EQ(change.members_added, (std::vector<std::string>{"cn=g2,ou=staff,dc=clinic,dc=test",
                                                            "cn=bob,ou=staff,dc=clinic,dc=test"}));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("not a dn"), std::string::npos);
}

TEST(DirsyncChangeTest, TombstoneRenameNewObjectAndOtherChanges) {
  std::vector<std::string> warnings;
  DirsyncChange tombstone = Fold({{"parentGUID", {"x"}},
                                  {"name", {"Bob\nDEL:..."}},
                                  {"isDeleted", {"TRUE"}},
                                  {"objectGUID", {kGuidBytes}}},
                                 &warnings);
  EXPECT_TRUE(tombstone.deleted);
  EXPECT_FALSE(tombstone.MembersOnly());

  DirsyncChange renamed = Fold({{"parentGUID", {"x"}}, {"name", {"Caroline"}}}, &warnings);
  EXPECT_TRUE(renamed.dn_changed);
  EXPECT_FALSE(renamed.new_object);
  EXPECT_FALSE(renamed.MembersOnly());

  DirsyncChange created = Fold({{"name", {"G3"}},
                                {"member;range=1-1", {"CN=Dave,DC=clinic,DC=test"}},
                                {"objectClass", {"top", "group"}}},
                               &warnings);
  EXPECT_TRUE(created.new_object);
  EXPECT_FALSE(created.MembersOnly());

  DirsyncChange disabled = Fold({{"userAccountControl", {"546"}}}, &warnings);
  EXPECT_TRUE(disabled.other);
  EXPECT_FALSE(disabled.MembersOnly());

  // The whole attribute, or a slice, is not an incremental change.
  DirsyncChange whole = Fold({{"member", {"CN=Dave,DC=clinic,DC=test"}}}, &warnings);
  EXPECT_FALSE(whole.MembersOnly());
  DirsyncChange sliced = Fold({{"member;range=0-1499", {"CN=Dave,DC=clinic,DC=test"}}}, &warnings);
  EXPECT_FALSE(sliced.MembersOnly());
  EXPECT_TRUE(warnings.empty());
}

TEST(DirsyncChangeTest, StripExtendedDn) {
  EXPECT_EQ(StripExtendedDn("<GUID=1>;<SID=2>;CN=x,DC=y"), "CN=x,DC=y");
  EXPECT_EQ(StripExtendedDn("<GUID=1>;CN=x"), "CN=x");
  EXPECT_EQ(StripExtendedDn("CN=x\\<y,DC=z"), "CN=x\\<y,DC=z");
  EXPECT_EQ(StripExtendedDn("<broken"), "<broken");
}

TEST(DirsyncChangeTest, BadAnchorFails) {
  DirsyncChange change;
  std::vector<berval> values{Value("short")};
  EXPECT_FALSE(AddDirsyncAttribute("objectGUID", values, AdConfig(), &change, nullptr).ok());
}

}  // namespace
}  // namespace pmbridge
