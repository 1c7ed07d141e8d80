#include "connectors/directory/sync_position.h"

#include <gtest/gtest.h>

#include <string>

namespace pmbridge {
namespace {

TEST(SyncPositionTest, EmptyTextIsTheStartWithNoCookies) {
  Result<SyncPosition> position = ParseSyncPosition("");
  ASSERT_TRUE(position.ok()) << position.status().ToString();
  EXPECT_EQ(*position, SyncPosition{});
}

TEST(SyncPositionTest, RoundTrip) {
  const SyncPosition position{"rid=000,csn=20261123141506.849980Z#000000#000#000000",
                              "rid=000,csn=20261123141817.664112Z#000000#000#000000"};
  Result<std::string> text = FormatSyncPosition(position);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text,
            "{\"groups\":\"rid=000,csn=20261123141817.664112Z#000000#000#000000\","
            "\"users\":\"rid=000,csn=20261123141506.849980Z#000000#000#000000\"}");
  Result<SyncPosition> back = ParseSyncPosition(*text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, position);
}

TEST(SyncPositionTest, MissingCookiesAreEmpty) {
  Result<SyncPosition> position = ParseSyncPosition(R"({"users": "u"})");
  ASSERT_TRUE(position.ok()) << position.status().ToString();
  EXPECT_EQ(position->users_cookie, "u");
  EXPECT_EQ(position->groups_cookie, "");
}

TEST(SyncPositionTest, MalformedPositionsAreInvalidInput) {
  for (const char* text : {"rid=000,csn=x", "{", "[]", "\"users\"", R"({"users": 1})",
                           R"({"users": "u", "dirsync": "d"})", R"({"groups": null})"}) {
    Result<SyncPosition> position = ParseSyncPosition(text);
    ASSERT_FALSE(position.ok()) << text;
    EXPECT_EQ(position.status().code(), ErrorCode::kInvalidInput) << text;
  }
}

TEST(SyncPositionTest, BinaryCookieCannotBeStoredAsText) {
  Result<std::string> text = FormatSyncPosition({std::string("\xff\xfe", 2), ""});
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), ErrorCode::kDirectory);
}

}  // namespace
}  // namespace pmbridge
