#include "connectors/directory/attribute_description.h"

#include <gtest/gtest.h>

namespace pmbridge {
namespace {

AttributeRange ParseOk(std::string_view description) {
  Result<std::optional<AttributeRange>> range = ParseAttributeRange(description);
  EXPECT_TRUE(range.ok()) << description << ": " << range.status().ToString();
  if (!range.ok() || !range->has_value()) {
    ADD_FAILURE() << description << ": no range";
    return {};
  }
  return **range;
}

TEST(ParseAttributeRangeTest, FirstSlice) {
  EXPECT_EQ(ParseOk("member;range=0-1499"), (AttributeRange{0, 1499}));
  EXPECT_FALSE(ParseOk("member;range=0-1499").is_last());
}

TEST(ParseAttributeRangeTest, LastSliceEndsInStar) {
  const AttributeRange range = ParseOk("member;range=1500-*");
  EXPECT_EQ(range, (AttributeRange{1500, std::nullopt}));
  EXPECT_TRUE(range.is_last());
}

TEST(ParseAttributeRangeTest, OptionNameIsCaseInsensitiveAndMayFollowOtherOptions) {
  EXPECT_EQ(ParseOk("Member;Range=3000-4499"), (AttributeRange{3000, 4499}));
  EXPECT_EQ(ParseOk("member;x-tag;range=0-*"), (AttributeRange{0, std::nullopt}));
  EXPECT_EQ(ParseOk("member;range=10-20;x-tag"), (AttributeRange{10, 20}));
}

TEST(ParseAttributeRangeTest, NoRangeOption) {
  for (const char* description : {"member", "member;binary", "cn;lang-en", "rangeX=1-2"}) {
    Result<std::optional<AttributeRange>> range = ParseAttributeRange(description);
    ASSERT_TRUE(range.ok()) << description;
    EXPECT_FALSE(range->has_value()) << description;
  }
}

TEST(ParseAttributeRangeTest, MalformedRangeIsDirectoryError) {
  for (const char* description :
       {"member;range=", "member;range=5", "member;range=-5", "member;range=a-*",
        "member;range=9-3", "member;range=0-1x", "member;range=0-", "member;range=99999999999-*",
        "member;range=0--1"}) {
    Result<std::optional<AttributeRange>> range = ParseAttributeRange(description);
    ASSERT_FALSE(range.ok()) << description;
    EXPECT_EQ(range.status().code(), ErrorCode::kDirectory) << description;
    EXPECT_NE(range.status().message().find(description), std::string::npos);
  }
}

TEST(RangeRequestTest, AsksForTheRestFromLow) {
  EXPECT_EQ(RangeRequest("member", 1500), "member;range=1500-*");
  EXPECT_EQ(RangeRequest("member", 0), "member;range=0-*");
}

TEST(AttributeTypeTest, StripsOptions) {
  EXPECT_EQ(AttributeType("member;range=0-1499"), "member");
  EXPECT_EQ(AttributeType("member"), "member");
  EXPECT_EQ(AttributeType(""), "");
}

TEST(SameAttributeTest, IgnoresAsciiCaseOnly) {
  EXPECT_TRUE(SameAttribute("entryUUID", "entryuuid"));
  EXPECT_TRUE(SameAttribute("sAMAccountName", "SAMACCOUNTNAME"));
  EXPECT_FALSE(SameAttribute("uid", "uid;x"));
  EXPECT_FALSE(SameAttribute("uid", "cn"));
}

}  // namespace
}  // namespace pmbridge
