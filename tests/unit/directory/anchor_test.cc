#include "connectors/directory/anchor.h"

#include <gtest/gtest.h>

#include <string>

namespace pmbridge {
namespace {

std::string Bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out += static_cast<char>(v);
  return out;
}

TEST(FormatObjectGuidTest, FirstThreeGroupsAreLittleEndian) {
  Result<std::string> text =
      FormatObjectGuid(Bytes({0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
                              0x0b, 0x0c, 0x0d, 0x0e, 0x0f}));
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, "03020100-0504-0706-0809-0a0b0c0d0e0f");
}

TEST(FormatObjectGuidTest, HighBytesAreLowerCaseHex) {
  // The GUID {E3A1F2B4-5C6D-4E7F-8899-AABBCCDDEEFF} as Active Directory stores it.
  Result<std::string> text =
      FormatObjectGuid(Bytes({0xb4, 0xf2, 0xa1, 0xe3, 0x6d, 0x5c, 0x7f, 0x4e, 0x88, 0x99, 0xaa,
                              0xbb, 0xcc, 0xdd, 0xee, 0xff}));
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, "e3a1f2b4-5c6d-4e7f-8899-aabbccddeeff");
}

TEST(FormatObjectGuidTest, KeepsNulBytes) {
  Result<std::string> text = FormatObjectGuid(std::string(16, '\0'));
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "00000000-0000-0000-0000-000000000000");
}

TEST(FormatObjectGuidTest, RejectsOtherLengths) {
  for (std::size_t length : {0u, 15u, 17u, 36u}) {
    Result<std::string> text = FormatObjectGuid(std::string(length, 'a'));
    ASSERT_FALSE(text.ok()) << length;
    EXPECT_EQ(text.status().code(), ErrorCode::kDirectory);
    EXPECT_NE(text.status().message().find("16"), std::string::npos);
  }
}

TEST(AnchorFromValueTest, EntryUuidIsTakenAsText) {
  Result<std::string> anchor = AnchorFromValue("entryUUID", "bd9d5602-7b67-1041-86ce-21e7b94771a7");
  ASSERT_TRUE(anchor.ok());
  EXPECT_EQ(*anchor, "bd9d5602-7b67-1041-86ce-21e7b94771a7");
}

TEST(AnchorFromValueTest, ObjectGuidIsDecodedWhateverTheCaseOfTheName) {
  const std::string bytes(16, '\x11');
  for (const char* name : {"objectGUID", "objectguid", "OBJECTGUID"}) {
    Result<std::string> anchor = AnchorFromValue(name, bytes);
    ASSERT_TRUE(anchor.ok()) << name;
    EXPECT_EQ(*anchor, "11111111-1111-1111-1111-111111111111") << name;
  }
  EXPECT_TRUE(IsBinaryGuidAttribute("ObjectGuid"));
  EXPECT_FALSE(IsBinaryGuidAttribute("entryUUID"));
}

TEST(AnchorFromValueTest, EmptyValueIsAnError) {
  Result<std::string> anchor = AnchorFromValue("entryUUID", "");
  ASSERT_FALSE(anchor.ok());
  EXPECT_EQ(anchor.status().code(), ErrorCode::kDirectory);
}

}  // namespace
}  // namespace pmbridge
