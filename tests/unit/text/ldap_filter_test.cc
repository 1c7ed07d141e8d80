#include "bridge/ldap_filter.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace pmbridge {

// Readable failure messages for optional<FilterError>.
void PrintTo(const FilterError& e, std::ostream* os) {
  *os << e.message << " at offset " << e.offset;
}

namespace {

TEST(EscapeFilterValueTest, EscapesTheFiveSpecials) {
  EXPECT_EQ(EscapeFilterValue("alice"), "alice");
  EXPECT_EQ(EscapeFilterValue(""), "");
  EXPECT_EQ(EscapeFilterValue("*"), "\\2a");
  EXPECT_EQ(EscapeFilterValue("("), "\\28");
  EXPECT_EQ(EscapeFilterValue(")"), "\\29");
  EXPECT_EQ(EscapeFilterValue("\\"), "\\5c");
  EXPECT_EQ(EscapeFilterValue(std::string("a\0b", 3)), "a\\00b");
  EXPECT_EQ(EscapeFilterValue("*)(uid=*"), "\\2a\\29\\28uid=\\2a");
  EXPECT_EQ(EscapeFilterValue("Smith, John"), "Smith, John");
  // UTF-8 is kept as is.
  EXPECT_EQ(EscapeFilterValue("Ren\xC3\xA9"), "Ren\xC3\xA9");
}

TEST(EscapeFilterValueTest, EscapedValuesAlwaysValidate) {
  const std::string values[] = {"*",    "()", "\\",          "a*b(c)d\\e", "x)(|(uid=*",
                                "\\2a", "",   "Ren\xC3\xA9", "=)",         "\\\\\\"};
  for (const std::string& value : values) {
    std::string filter = "(cn=" + EscapeFilterValue(value) + ")";
    EXPECT_EQ(ValidateFilter(filter), std::nullopt) << filter;
    // And the escaped value is a plain equality: no wildcard survives.
    EXPECT_EQ(EscapeFilterValue(value).find('*'), std::string::npos);
  }
}

TEST(ValidateFilterTest, AcceptsTheRfc4515Grammar) {
  const std::string_view valid[] = {
      "(objectClass=inetOrgPerson)",
      "(objectClass=*)",
      "(&(objectCategory=person)(objectClass=user))",
      "(|(cn=a)(cn=b)(cn=c))",
      "(!(cn=a))",
      "(&(objectClass=user)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))",
      "(cn=a*)",
      "(cn=*a)",
      "(cn=*a*)",
      "(cn=a*b*c)",
      "(cn=**)",
      "(cn=)",  // an empty assertion value
      "(cn>=a)",
      "(cn<=a)",
      "(cn~=smith)",
      "(cn=Smith\\2c John)",
      "(cn=\\2a\\28\\29\\5c\\00)",
      "(cn=Ren\xC3\xA9)",
      "(cn=\xF0\x9F\x98\x80)",
      "(cn=a b)",  // spaces in a value are part of it
      "(cn=a=b)",
      "(2.5.4.3=x)",
      "(cn;lang-en=x)",
      "(userCertificate;binary=*)",
      // Extensible match, every form of RFC 4515 §3.
      "(cn:caseExactMatch:=Fred Flintstone)",
      "(cn:=Betty Rubble)",
      "(sn:dn:2.4.6.8.10:=Barney Rubble)",
      "(o:dn:=Ace Industry)",
      "(:1.2.3:=Wilma Flintstone)",
      "(:DN:2.4.6.8.10:=Dino)",
      "(member:1.2.840.113556.1.4.1941:=cn=pm-admins,ou=groups,dc=clinic,dc=example)",
      "(memberOf:1.2.840.113556.1.4.1941:=cn=x\\2cdc=y)",
      // Nested, and whitespace between components (YAML folded scalars), which libldap skips.
      "(&(|(a=1)(b=2))(!(&(c=3)(d=4))))",
      "(&(objectClass=user) (memberOf=cn=x,dc=y))",
      "  (cn=a)  ",
      "(& (a=1)\n  (b=2))",
      "(! (a=1))",
  };
  for (std::string_view f : valid) {
    std::optional<FilterError> error = ValidateFilter(f);
    EXPECT_EQ(error, std::nullopt) << f << ": " << (error ? error->message : "");
  }
}

struct BadFilter {
  std::string_view filter;
  std::size_t offset;
};

TEST(ValidateFilterTest, RejectsWithTheOffset) {
  const BadFilter invalid[] = {
      {"", 0},
      {"   ", 3},
      {"cn=a", 0},   // parentheses required
      {"(cn=a", 5},  // unbalanced
      {"((cn=a)", 1},
      {"(cn=a))", 6},       // text after the filter
      {"(cn=a)(cn=b)", 6},  // two filters
      {"()", 1},
      {"(&)", 1},  // empty AND (RFC 4526 absolute true) refused
      {"(|)", 1},
      {"(&cn=a)", 2},
      {"(!)", 2},
      {"(!(a=1)(b=2))", 7},  // NOT takes one filter
      {"(=a)", 1},           // no attribute
      {"(cn)", 3},
      {"(cn a=b)", 3},
      {"(c_n=a)", 2},
      {"(cn=a(b)", 5},  // unescaped '('
      {"(cn=a\\)", 5},  // '\' needs two hex digits
      {"(cn=a\\2)", 5},
      {"(cn=a\\zz)", 5},
      {"(cn=a\\", 5},
      {"(cn~=a*)", 6},  // no wildcard with ~= >= <=
      {"(cn>=*)", 5},
      {"(cn<=a*b)", 6},
      {"(cn~a)", 4},
      {"(cn>a)", 4},
      {"(cn!=a)", 3},
      {"(cn:=a*)", 6},  // no wildcard in an extensible match
      {"(:=a)", 1},     // no attribute and no rule
      {"(:dn:=a)", 4},
      {"(cn:dn)", 6},
      {"(cn:1.2.3=a)", 9},
      {"(cn::=a)", 4},
      {"(1.=a)", 3},
      {"(01.2=a)", 1},
      {"(cn;=a)", 4},
      {"(cn=\xC3)", 4},  // truncated UTF-8
      {"(cn=\xC3\x28)", 4},
      {"(cn=\xC0\xAF)", 4},          // overlong
      {"(cn=\xED\xA0\x80)", 4},      // surrogate
      {"(cn=\xF5\x80\x80\x80)", 4},  // above U+10FFFF
      {"(cn=\xFF)", 4},
  };
  for (const BadFilter& c : invalid) {
    std::optional<FilterError> error = ValidateFilter(c.filter);
    ASSERT_NE(error, std::nullopt) << "accepted: " << c.filter;
    EXPECT_EQ(error->offset, c.offset) << c.filter << ": " << error->message;
    EXPECT_FALSE(error->message.empty());
  }
  std::string with_nul("(cn=a\0b)", 8);
  std::optional<FilterError> error = ValidateFilter(with_nul);
  ASSERT_NE(error, std::nullopt);
  EXPECT_EQ(error->offset, 5u);
}

TEST(ValidateFilterTest, DeepNestingIsRefusedNotACrash) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "(!";
  deep += "(a=b)";
  for (int i = 0; i < 100000; ++i) deep += ")";
  std::optional<FilterError> error = ValidateFilter(deep);
  ASSERT_NE(error, std::nullopt);
  EXPECT_NE(error->message.find("deep"), std::string::npos);

  std::string fine;
  for (int i = 0; i < 20; ++i) fine += "(&";
  fine += "(a=b)";
  for (int i = 0; i < 20; ++i) fine += ")";
  EXPECT_EQ(ValidateFilter(fine), std::nullopt);
}

}  // namespace
}  // namespace pmbridge
