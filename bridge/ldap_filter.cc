// RFC 4515 string filters: a recursive-descent validator over the grammar of §3, and the
// value escaping of §3 for data put into a filter.
#include "bridge/ldap_filter.h"

namespace pmbridge {
namespace {

// Deeper nesting than this is no administrator's filter; the cap keeps the recursion
// bounded on hostile input.
constexpr int kMaxDepth = 64;

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsKeyChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '-'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
// libldap skips these between filter components (a YAML folded scalar puts spaces there),
// so the validator does too; inside an item they are part of the value.
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class FilterValidator {
 public:
  explicit FilterValidator(std::string_view filter) : f_(filter) {}

  std::optional<FilterError> Run();

 private:
  bool Fail(std::string message, std::size_t offset) {
    error_ = FilterError{std::move(message), offset};
    return false;
  }
  bool AtEnd() const { return pos_ >= f_.size(); }
  char Peek() const { return f_[pos_]; }
  bool LookingAt(std::string_view s) const { return f_.substr(pos_, s.size()) == s; }
  void SkipSpaces() {
    while (!AtEnd() && IsSpace(Peek())) ++pos_;
  }

  bool ParseFilter(int depth);
  bool ParseFilterList(char op, int depth);
  bool ParseItem();
  bool ParseAttributeDescription();
  bool ParseOid();
  bool ParseExtensible(bool has_attribute);
  bool ParseValue(bool allow_star);
  bool ParseUtf8Sequence();

  std::string_view f_;
  std::size_t pos_ = 0;
  std::optional<FilterError> error_;
};

std::optional<FilterError> FilterValidator::Run() {
  SkipSpaces();
  if (AtEnd()) {
    Fail("empty filter", pos_);
    return error_;
  }
  if (Peek() != '(') {
    Fail("a filter must be enclosed in parentheses, e.g. (objectClass=person)", pos_);
    return error_;
  }
  if (!ParseFilter(1)) return error_;
  SkipSpaces();
  if (!AtEnd()) {
    Fail(Peek() == '(' ? "more than one filter; combine them with (&...) or (|...)"
                       : "unexpected text after the closing parenthesis (unbalanced parenthesis?)",
         pos_);
  }
  return error_;
}

// filter = LPAREN filtercomp RPAREN; filtercomp = and / or / not / item
bool FilterValidator::ParseFilter(int depth) {
  if (depth > kMaxDepth) return Fail("filter nested too deeply", pos_);
  std::size_t open = pos_;
  ++pos_;  // '('
  if (AtEnd()) return Fail("unbalanced parenthesis: missing ')'", open);
  char c = Peek();
  bool ok;
  if (c == '&' || c == '|') {
    ++pos_;
    ok = ParseFilterList(c, depth);
  } else if (c == '!') {
    ++pos_;
    SkipSpaces();
    if (AtEnd() || Peek() != '(') return Fail("'!' must be followed by one (filter)", pos_);
    ok = ParseFilter(depth + 1);
    SkipSpaces();
  } else if (c == ')') {
    return Fail("empty filter component '()'", pos_);
  } else {
    ok = ParseItem();
  }
  if (!ok) return false;
  if (AtEnd()) return Fail("unbalanced parenthesis: missing ')'", pos_);
  if (Peek() != ')') {
    if (Peek() == '(') return Fail("'!' takes exactly one filter", pos_);
    return Fail(std::string("unexpected character '") + Peek() + "'", pos_);
  }
  ++pos_;
  return true;
}

// filterlist = 1*filter (RFC 4526's empty "(&)" is not accepted: it is rarely meant and
// Active Directory rejects it).
bool FilterValidator::ParseFilterList(char op, int depth) {
  std::size_t op_at = pos_ - 1;
  int count = 0;
  for (;;) {
    SkipSpaces();
    if (AtEnd() || Peek() != '(') break;
    if (!ParseFilter(depth + 1)) return false;
    ++count;
  }
  if (count == 0) {
    if (!AtEnd() && Peek() != ')') {
      return Fail(std::string("'") + op + "' must be followed by (filter)s", pos_);
    }
    return Fail(std::string("'") + op + "' needs at least one filter", op_at);
  }
  return true;
}

// item = simple / present / substring / extensible
bool FilterValidator::ParseItem() {
  if (Peek() == ':') return ParseExtensible(false);
  if (!ParseAttributeDescription()) return false;
  if (AtEnd()) return Fail("unbalanced parenthesis: missing ')'", pos_);
  switch (Peek()) {
    case '=':
      ++pos_;
      // equality, substring (any '*'), or present ("attr=*")
      return ParseValue(true);
    case '~':
    case '>':
    case '<': {
      char op = Peek();
      ++pos_;
      if (AtEnd() || Peek() != '=') {
        return Fail(std::string("'") + op + "' must be followed by '='", pos_);
      }
      ++pos_;
      return ParseValue(false);
    }
    case ':':
      return ParseExtensible(true);
    default:
      if (IsSpace(Peek())) return Fail("space after the attribute name", pos_);
      return Fail(std::string("unexpected character '") + Peek() +
                      "' after the attribute name; expected '=', '~=', '>=', '<=' or ':'",
                  pos_);
  }
}

// attributedescription = attributetype options; options = *( SEMI option )
bool FilterValidator::ParseAttributeDescription() {
  if (AtEnd() || !(IsAlpha(Peek()) || IsDigit(Peek()))) {
    return Fail("expected an attribute name", pos_);
  }
  if (!ParseOid()) return false;
  while (!AtEnd() && Peek() == ';') {
    ++pos_;
    std::size_t option_start = pos_;
    while (!AtEnd() && IsKeyChar(Peek())) ++pos_;
    if (pos_ == option_start) return Fail("empty attribute option after ';'", pos_);
  }
  return true;
}

// oid = descr / numericoid (RFC 4512 §1.4)
bool FilterValidator::ParseOid() {
  if (AtEnd()) return Fail("expected a name or numeric OID", pos_);
  if (IsAlpha(Peek())) {
    while (!AtEnd() && IsKeyChar(Peek())) ++pos_;
    return true;
  }
  if (!IsDigit(Peek())) return Fail("expected a name or numeric OID", pos_);
  int arcs = 0;
  for (;;) {
    if (AtEnd() || !IsDigit(Peek())) return Fail("malformed numeric OID", pos_);
    std::size_t arc_start = pos_;
    while (!AtEnd() && IsDigit(Peek())) ++pos_;
    if (pos_ - arc_start > 1 && f_[arc_start] == '0') {
      return Fail("leading zero in a numeric OID", arc_start);
    }
    ++arcs;
    if (AtEnd() || Peek() != '.') break;
    ++pos_;
  }
  if (arcs < 2) return Fail("a numeric OID needs at least two arcs", pos_);
  return true;
}

// extensible = ( attr [dnattrs] [matchingrule] COLON EQUALS assertionvalue )
//            / ( [dnattrs] matchingrule COLON EQUALS assertionvalue )
// e.g. (member:1.2.840.113556.1.4.1941:=cn=x,dc=y), (ou:dn:=people), (:caseExactMatch:=A)
bool FilterValidator::ParseExtensible(bool has_attribute) {
  // pos_ is at the ':' after the attribute, or at the item's leading ':'.
  auto lower = [](char c) { return static_cast<char>(c | 0x20); };
  if (f_.size() - pos_ >= 4 && lower(f_[pos_ + 1]) == 'd' && lower(f_[pos_ + 2]) == 'n' &&
      f_[pos_ + 3] == ':') {
    pos_ += 3;  // dnattrs; now at the next ':'
  }
  if (!LookingAt(":=")) {
    ++pos_;  // the ':' before the matching rule
    if (!ParseOid()) return false;
    if (!LookingAt(":=")) return Fail("an extensible match needs ':=' before its value", pos_);
  } else if (!has_attribute) {
    return Fail("an extensible match without an attribute needs a matching rule", pos_);
  }
  pos_ += 2;
  return ParseValue(false);
}

// assertionvalue = valueencoding; escaped = ESC HEX HEX. '*' is a substring wildcard where
// allowed; '(' ')' '\' and NUL must be escaped. Stops at the item's ')'.
bool FilterValidator::ParseValue(bool allow_star) {
  while (!AtEnd()) {
    unsigned char c = static_cast<unsigned char>(Peek());
    if (c == ')') return true;
    if (c == '(') return Fail("unescaped '(' in a value (write \\28)", pos_);
    if (c == '\0') return Fail("NUL byte in a value (write \\00)", pos_);
    if (c == '*' && !allow_star) {
      return Fail("'*' is only allowed with '='; write \\2a for a literal '*'", pos_);
    }
    if (c == '\\') {
      if (f_.size() - pos_ < 3 || !IsHex(f_[pos_ + 1]) || !IsHex(f_[pos_ + 2])) {
        return Fail("'\\' must be followed by two hex digits (write \\5c for '\\')", pos_);
      }
      pos_ += 3;
      continue;
    }
    if (c >= 0x80) {
      if (!ParseUtf8Sequence()) return false;
      continue;
    }
    ++pos_;
  }
  return true;  // the caller reports the missing ')'
}

// UTFMB (RFC 4512 §1.4, RFC 3629): one well-formed multi-byte UTF-8 character.
bool FilterValidator::ParseUtf8Sequence() {
  std::size_t start = pos_;
  auto byte = [this](std::size_t i) { return static_cast<unsigned char>(f_[i]); };
  unsigned char lead = byte(pos_);
  std::size_t length;
  unsigned char min2 = 0x80, max2 = 0xBF;  // range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) min2 = 0xA0;  // no overlong forms
    if (lead == 0xED) max2 = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) min2 = 0x90;
    if (lead == 0xF4) max2 = 0x8F;  // nothing above U+10FFFF
  } else {
    return Fail("invalid UTF-8 in a value", start);
  }
  if (f_.size() - pos_ < length) return Fail("truncated UTF-8 sequence in a value", start);
  for (std::size_t i = 1; i < length; ++i) {
    unsigned char b = byte(pos_ + i);
    unsigned char lo = i == 1 ? min2 : 0x80;
    unsigned char hi = i == 1 ? max2 : 0xBF;
    if (b < lo || b > hi) return Fail("invalid UTF-8 in a value", start);
  }
  pos_ += length;
  return true;
}

}  // namespace

std::string EscapeFilterValue(std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '*':
      case '(':
      case ')':
      case '\\':
      case '\0': {
        unsigned char b = static_cast<unsigned char>(c);
        out.push_back('\\');
        out.push_back(kHex[b >> 4]);
        out.push_back(kHex[b & 0xF]);
        break;
      }
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::optional<FilterError> ValidateFilter(std::string_view filter) {
  return FilterValidator(filter).Run();
}

}  // namespace pmbridge
