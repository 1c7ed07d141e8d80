#include "connectors/directory/sync_uuid.h"

#include <gtest/gtest.h>

#include <string>

namespace pmbridge {
namespace {

std::string Bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out += static_cast<char>(v);
  return out;
}

TEST(FormatSyncUuidTest, ByteOrderLowerCaseHexInRfc4122Groups) {
  // The bytes slapd sent for an entry whose entryUUID reads
  // 072dcf3c-7b94-1041-94cf-9964a6823d16.
  Result<std::string> text =
      FormatSyncUuid(Bytes({0x07, 0x2d, 0xcf, 0x3c, 0x7b, 0x94, 0x10, 0x41, 0x94, 0xcf, 0x99, 0x64,
                            0xa6, 0x82, 0x3d, 0x16}));
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, "072dcf3c-7b94-1041-94cf-9964a6823d16");
}

TEST(FormatSyncUuidTest, EveryByteValue) {
  Result<std::string> text =
      FormatSyncUuid(Bytes({0x00, 0xff, 0x10, 0x01, 0xab, 0xcd, 0xef, 0x90, 0x12, 0x34, 0x56, 0x78,
                            0x9a, 0xbc, 0xde, 0xf0}));
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, "00ff1001-abcd-ef90-1234-56789abcdef0");
}

TEST(FormatSyncUuidTest, WrongLengthIsADirectoryError) {
  for (std::size_t size : {0u, 15u, 17u, 36u}) {
    Result<std::string> text = FormatSyncUuid(std::string(size, 'a'));
    ASSERT_FALSE(text.ok()) << size;
    EXPECT_EQ(text.status().code(), ErrorCode::kDirectory);
    EXPECT_NE(text.status().message().find(std::to_string(size) + " bytes"), std::string::npos)
        << text.status().message();
  }
}

}  // namespace
}  // namespace pmbridge
