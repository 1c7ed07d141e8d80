#include "bridge/dn.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

namespace pmbridge {
namespace {

std::string Normal(std::string_view dn) {
  Result<std::string> r = NormalizeDn(dn);
  EXPECT_TRUE(r.ok()) << dn << ": " << r.status().ToString();
  return r.ok() ? *r : "<error>";
}

struct NormalCase {
  std::string_view dn;
  std::string_view normal;
};

TEST(NormalizeDnTest, NormalForms) {
  const NormalCase cases[] = {
      {"", ""},
      {"   ", ""},
      {"dc=example", "dc=example"},
      {"CN=Front Desk,OU=Groups,DC=Clinic,DC=Example",
       "cn=front desk,ou=groups,dc=clinic,dc=example"},
      // RFC 2253 / AD spacing around separators and '='.
      {"cn=a , ou=b,  dc=c", "cn=a,ou=b,dc=c"},
      {"  cn = a  ,ou=b  ", "cn=a,ou=b"},
      {"cn=a;ou=b", "cn=a,ou=b"},
      {"cn=a ; ou=b", "cn=a,ou=b"},
      // Internal spaces are kept.
      {"cn=Hank  R Hill,dc=x", "cn=hank  r hill,dc=x"},
      // Escaped specials stay escaped; hex escapes of specials become the short form.
      {"cn=Smith\\, John,dc=x", "cn=smith\\, john,dc=x"},
      {"cn=Smith\\2C John,dc=x", "cn=smith\\, john,dc=x"},
      {"cn=Smith\\2c John,dc=x", "cn=smith\\, john,dc=x"},
      {"cn=a\\+b,dc=x", "cn=a\\+b,dc=x"},
      {"cn=a\\;b\\<c\\>d\\\"e\\\\f", "cn=a\\;b\\<c\\>d\\\"e\\\\f"},
      // Needless escapes are dropped; hex escapes of ordinary bytes are decoded.
      {"cn=\\41lice", "cn=alice"},
      {"cn=a\\=b", "cn=a=b"},
      {"cn=a=b", "cn=a=b"},
      {"cn=a\\#b", "cn=a#b"},
      {"cn=a#b", "cn=a#b"},
      // Leading '#' and leading/trailing spaces in a value must stay escaped.
      {"cn=\\#x", "cn=\\#x"},
      {"cn=\\23x", "cn=\\#x"},
      {"cn=\\ x", "cn=\\ x"},
      {"cn=\\20x", "cn=\\ x"},
      {"cn=x\\ ", "cn=x\\ "},
      {"cn=x\\20", "cn=x\\ "},
      {"cn=x\\ ,dc=y", "cn=x\\ ,dc=y"},
      {"cn=x\\   ,dc=y", "cn=x\\ ,dc=y"},  // unescaped spaces after the escaped one: trimmed
      {"cn=x\\  y", "cn=x  y"},            // escaped space followed by a space, inside
      {"cn=\\ ", "cn=\\ "},
      {"cn=\\ \\ ", "cn=\\ \\ "},
      {"cn=\\ \\ \\ ", "cn=\\  \\ "},
      {"cn=\\  \\ ", "cn=\\  \\ "},
      // NUL is written as \00.
      {"cn=a\\00b", "cn=a\\00b"},
      // Multi-valued RDNs: parts sorted, spaces around '+' dropped.
      {"cn=a+uid=b,dc=x", "cn=a+uid=b,dc=x"},
      {"uid=b+cn=a,dc=x", "cn=a+uid=b,dc=x"},
      {"UID=B + CN=A,dc=x", "cn=a+uid=b,dc=x"},
      {"uid=b+sn=c+cn=a", "cn=a+sn=c+uid=b"},
      {"l=9+k=8+j=7+i=6+h=5+g=4+f=3+e=2+d=1+c=0+b=z+a=y",
       "a=y+b=z+c=0+d=1+e=2+f=3+g=4+h=5+i=6+j=7+k=8+l=9"},
      // BER values: kept as lower-case hex.
      {"cn=#04024869,dc=x", "cn=#04024869,dc=x"},
      {"CN=#04024A4B , dc=x", "cn=#04024a4b,dc=x"},
      {"1.3.6.1.4.1.1466.0=#04024869", "1.3.6.1.4.1.1466.0=#04024869"},
      // Numeric OIDs and the RFC 1779 "OID." prefix.
      {"2.5.4.3=Alice", "2.5.4.3=alice"},
      {"OID.2.5.4.3=Alice", "2.5.4.3=alice"},
      {"oid.2.5.4.3=Alice", "2.5.4.3=alice"},
      // Quoted values (RFC 1779 / 2253): specials inside are literal, spaces significant.
      {"cn=\"Smith, John\",dc=x", "cn=smith\\, john,dc=x"},
      {"cn=\" a \",dc=x", "cn=\\ a\\ ,dc=x"},
      {"cn=\"a\\\"b\" , dc=x", "cn=a\\\"b,dc=x"},
      {"cn=\"#a\"", "cn=\\#a"},
      // UTF-8, raw or escaped, compares equal; only ASCII is case-folded.
      {"cn=Ren\xC3\xA9,dc=x", "cn=ren\xC3\xA9,dc=x"},
      {"cn=Ren\\C3\\A9,dc=x", "cn=ren\xC3\xA9,dc=x"},
      {"cn=\xC3\x89MILE", "cn=\xC3\x89mile"},
      // An empty value is allowed by RFC 4514.
      {"cn=,dc=x", "cn=,dc=x"},
      // Attribute names with hyphens and digits.
      {"x-Custom-1=v", "x-custom-1=v"},
  };
  for (const NormalCase& c : cases) {
    EXPECT_EQ(Normal(c.dn), c.normal) << "input: " << c.dn;
  }
}

TEST(NormalizeDnTest, NormalFormIsStable) {
  const std::string_view inputs[] = {
      "CN=Smith\\, John+UID=JS,OU=People,DC=x",
      "cn=\\ \\#a\\ ",
      "cn=a\\00\\5C\\2B",
      "cn=\" lead, and trail \"",
      "cn=#0A0b",
      "cn=\\ \\ \\ \\ ",
  };
  for (std::string_view in : inputs) {
    std::string once = Normal(in);
    EXPECT_EQ(Normal(once), once) << "input: " << in;
  }
}

TEST(NormalizeDnTest, EquivalentSpellingsCompareEqual) {
  EXPECT_EQ(Normal("CN=Front Desk, OU=Groups,DC=clinic"),
            Normal("cn=front desk,ou=groups,dc=clinic"));
  EXPECT_EQ(Normal("cn=a\\,b,dc=x"), Normal("cn=A\\2Cb , DC=X"));
  EXPECT_EQ(Normal("cn=a\\,b,dc=x"), Normal("cn=\"a,b\",dc=x"));
  EXPECT_NE(Normal("cn=a\\,b,dc=x"), Normal("cn=a,cn=b,dc=x"));
  EXPECT_NE(Normal("cn=a\\+uid=b"), Normal("cn=a+uid=b"));
}

struct BadCase {
  std::string_view dn;
  std::size_t offset;
};

TEST(NormalizeDnTest, MalformedDnsNameTheOffset) {
  const BadCase cases[] = {
      {",dc=x", 0},                        // empty first RDN
      {"cn=a,,dc=x", 5},                   // empty RDN in the middle
      {"cn=a,", 4},                        // trailing separator
      {"cn=a, ", 4},                       // trailing separator and space
      {"cn=a;", 4},       {"cn", 2},       // no '='
      {"cn a=b", 3},                       // space inside the type
      {"=a", 0},                           // no type
      {"c_n=a", 1},                        // '_' is not allowed in a type
      {"1cn=a", 0},                        // a type starting with a digit must be an OID
      {"1=a", 0},                          // an OID needs two arcs
      {"1.=a", 2},        {"01.2=a", 0},   // leading zero
      {"oid.x=a", 4},     {"cn=a\\", 4},   // backslash at the end
      {"cn=a\\q", 4},                      // bad escape
      {"cn=a\\4", 4},                      // one hex digit
      {"cn=a\\4g", 4},    {"cn=a\"b", 4},  // unescaped quote
      {"cn=a<b", 4},      {"cn=a>b", 4},  {"cn=#", 4},  // '#' without hex
      {"cn=#123", 7},                                   // odd hex
      {"cn=#12zz", 6},                                  // not hex
      {"cn=\"abc", 3},                                  // unterminated quote
      {"cn=\"abc\"x", 8},                               // text after the quote
      {"cn=a+", 5},                                     // empty AVA after '+'
      {"cn=a+,dc=x", 5},  {"+cn=a", 0},
  };
  for (const BadCase& c : cases) {
    Result<std::string> r = NormalizeDn(c.dn);
    ASSERT_FALSE(r.ok()) << "accepted: " << c.dn << " as " << *r;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidInput);
    EXPECT_NE(r.status().message().find("at offset " + std::to_string(c.offset)), std::string::npos)
        << c.dn << ": " << r.status().message();
  }
  std::string with_nul("cn=a\0b", 6);
  EXPECT_FALSE(NormalizeDn(with_nul).ok());
}

TEST(DnIsWithinTest, Basics) {
  EXPECT_TRUE(DnIsWithin("cn=x,ou=people,dc=a", "ou=people,dc=a"));
  EXPECT_TRUE(DnIsWithin("ou=people,dc=a", "ou=people,dc=a"));  // the base itself
  EXPECT_TRUE(DnIsWithin("cn=x,ou=sub,ou=people,dc=a", "ou=people,dc=a"));
  EXPECT_TRUE(DnIsWithin("CN=X, OU=People, DC=A", "ou=people,dc=a"));
  EXPECT_TRUE(DnIsWithin("cn=x,ou=people,dc=a", "OU = People ; DC=A"));
  EXPECT_TRUE(DnIsWithin("cn=x,dc=a", ""));  // everything is below the root
  EXPECT_TRUE(DnIsWithin("", ""));
}

// DnIsWithin keeps per-thread buffers and the last base; a fresh thread starts clean.
TEST(DnIsWithinTest, FirstCallOnAThread) {
  for (std::string_view base : {"", "dc=a", "dc=a,"}) {
    bool within = false;
    std::thread([&] { within = DnIsWithin("cn=x,dc=a", base); }).join();
    EXPECT_EQ(within, base != "dc=a,") << base;
  }
  bool within = true;
  std::thread([&] { within = DnIsWithin("cn=x,,dc=a", ""); }).join();
  EXPECT_FALSE(within);
}

TEST(DnIsWithinTest, RdnBoundaries) {
  // Not a suffix on an RDN boundary.
  EXPECT_FALSE(DnIsWithin("cn=x,ou=people2,dc=a", "ou=people,dc=a"));
  EXPECT_FALSE(DnIsWithin("cn=x,ou=people,dc=a", "ople,dc=a"));
  EXPECT_FALSE(DnIsWithin("cn=x,xou=people,dc=a", "ou=people,dc=a"));
  EXPECT_FALSE(DnIsWithin("ou=people,dc=a", "cn=x,ou=people,dc=a"));  // above, not below
  EXPECT_FALSE(DnIsWithin("", "dc=a"));
  // An escaped comma is inside a value, not a separator.
  EXPECT_FALSE(DnIsWithin("cn=x\\,ou=people,dc=a", "ou=people,dc=a"));
  EXPECT_FALSE(DnIsWithin("cn=x\\2cou=people,dc=a", "ou=people,dc=a"));
  // ... but an escaped backslash before a comma leaves the comma a separator.
  EXPECT_TRUE(DnIsWithin("cn=x\\\\,ou=people,dc=a", "ou=people,dc=a"));
  // A multi-valued RDN is one RDN.
  EXPECT_FALSE(DnIsWithin("cn=a+ou=people,dc=a", "ou=people,dc=a"));
  EXPECT_TRUE(DnIsWithin("cn=a+uid=b,ou=people,dc=a", "ou=people,dc=a"));
  EXPECT_TRUE(DnIsWithin("uid=b+cn=a,dc=a", "cn=a+uid=b,dc=a"));
  // Malformed input is never within anything.
  EXPECT_FALSE(DnIsWithin("cn=x,,dc=a", "dc=a"));
  EXPECT_FALSE(DnIsWithin("cn=x,dc=a", "dc=a,"));
}

}  // namespace
}  // namespace pmbridge
