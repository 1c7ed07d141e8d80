// RFC 4514 distinguished names, parsed in one pass straight into their normal form.
//
// The parser runs on every member value of every group read (hundreds of thousands per
// reconcile), so it writes into a single output string and only allocates more for the
// rare multi-valued RDN, whose parts must be sorted.
#include "bridge/dn.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace pmbridge {
namespace {

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsKeyChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '-'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
char ToLowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  return ToLowerAscii(c) - 'a' + 10;
}

// RFC 4514 §2.4: characters that are always escaped in a value.
bool NeedsEscape(char c) {
  switch (c) {
    case '"':
    case '+':
    case ',':
    case ';':
    case '<':
    case '>':
    case '\\':
      return true;
    default:
      return false;
  }
}

// A value byte that is copied as is (bar ASCII case): not a separator, space, escape or a
// character RFC 4514 requires escaped. A table: this is the inner loop of every read.
constexpr std::array<bool, 256> kPlainValueByte = [] {
  std::array<bool, 256> table{};
  for (int c = 1; c < 256; ++c) table[static_cast<std::size_t>(c)] = true;
  for (unsigned char c : std::string_view(",;+ \\\"<>")) table[c] = false;
  return table;
}();

bool IsPlainValueByte(char c) { return kPlainValueByte[static_cast<unsigned char>(c)]; }

// What may follow a backslash: RFC 4514 `escaped / special` (the hex pair is handled apart).
bool IsEscapable(char c) { return NeedsEscape(c) || c == ' ' || c == '#' || c == '='; }

constexpr std::size_t kInlineAvas = 8;

class DnNormalizer {
 public:
  DnNormalizer(std::string_view in, std::string* out) : in_(in), out_(out) {}

  // Fills *out with the normal form; false with error()/error_offset() set otherwise.
  bool Run();

  const char* error() const { return error_; }
  std::size_t error_offset() const { return error_offset_; }

 private:
  bool Fail(const char* what, std::size_t offset) {
    error_ = what;
    error_offset_ = offset;
    return false;
  }
  bool AtEnd() const { return pos_ >= in_.size(); }
  char Peek() const { return in_[pos_]; }
  // RFC 2253 and AD allow spaces around ',', '+', '=' and at either end.
  void SkipSpaces() {
    while (!AtEnd() && Peek() == ' ') ++pos_;
  }

  bool ParseRdn();
  bool ParseAttributeType();
  bool ParseNumericOid();
  bool ParseValue();
  bool ParseHexValue();
  bool ParseQuotedValue();
  bool ParseStringValue();
  // Decodes the escape at pos_ (a backslash) into *byte and advances past it.
  bool ParseEscape(char* byte);
  // Appends one value byte with the minimal RFC 4514 escaping.
  void EmitValueByte(char byte);
  // Escapes a trailing space left by EmitValueByte once the value is known to end there.
  void FinishValue();
  void SortAvas(std::size_t rdn_start);

  std::string_view in_;
  std::string* out_;
  std::size_t pos_ = 0;
  const char* error_ = nullptr;
  std::size_t error_offset_ = 0;

  // Per value: where it starts in *out_, and where the last unescaped space was written.
  std::size_t value_start_ = 0;
  std::size_t last_raw_space_ = std::string::npos;

  // Start offsets in *out_ of the AVAs of the current RDN.
  std::array<std::size_t, kInlineAvas> ava_inline_{};
  std::vector<std::size_t> ava_overflow_;
  std::size_t ava_count_ = 0;
};

bool DnNormalizer::Run() {
  out_->clear();
  out_->reserve(in_.size());
  SkipSpaces();
  if (AtEnd()) return true;  // the empty DN (the root)
  for (;;) {
    if (!ParseRdn()) return false;
    if (AtEnd()) return true;
    char c = Peek();
    if (c != ',' && c != ';') return Fail("expected ',' between RDNs", pos_);
    std::size_t separator = pos_;
    ++pos_;
    SkipSpaces();
    if (AtEnd()) return Fail("empty RDN after the last ','", separator);
    out_->push_back(',');
  }
}

bool DnNormalizer::ParseRdn() {
  std::size_t rdn_start = out_->size();
  ava_count_ = 0;
  ava_overflow_.clear();
  for (;;) {
    if (ava_count_ < kInlineAvas) {
      ava_inline_[ava_count_] = out_->size();
    } else {
      ava_overflow_.push_back(out_->size());
    }
    ++ava_count_;
    if (!ParseAttributeType()) return false;
    SkipSpaces();
    if (AtEnd() || Peek() != '=') return Fail("expected '=' after the attribute type", pos_);
    ++pos_;
    out_->push_back('=');
    SkipSpaces();
    if (!ParseValue()) return false;
    if (AtEnd() || Peek() != '+') break;
    ++pos_;
    SkipSpaces();
    out_->push_back('+');
  }
  if (ava_count_ > 1) SortAvas(rdn_start);
  return true;
}

bool DnNormalizer::ParseAttributeType() {
  if (AtEnd()) return Fail("expected an attribute type", pos_);
  char c = Peek();
  if (c == ',' || c == ';' || c == '+') return Fail("empty RDN", pos_);
  if (IsDigit(c)) return ParseNumericOid();
  if (!IsAlpha(c)) return Fail("expected an attribute type", pos_);
  std::size_t start = pos_;
  while (!AtEnd() && IsKeyChar(Peek())) ++pos_;
  std::string_view name = in_.substr(start, pos_ - start);
  // RFC 1779's "OID.2.5.4.3" form: the numeric OID without the prefix.
  if (!AtEnd() && Peek() == '.' && name.size() == 3 && ToLowerAscii(name[0]) == 'o' &&
      ToLowerAscii(name[1]) == 'i' && ToLowerAscii(name[2]) == 'd') {
    ++pos_;
    if (AtEnd() || !IsDigit(Peek())) return Fail("expected a numeric OID after \"oid.\"", pos_);
    return ParseNumericOid();
  }
  for (char n : name) out_->push_back(ToLowerAscii(n));
  return true;
}

// numericoid = number 1*( "." number ); number = DIGIT / ( LDIGIT 1*DIGIT )
bool DnNormalizer::ParseNumericOid() {
  std::size_t start = pos_;
  int arcs = 0;
  for (;;) {
    if (AtEnd() || !IsDigit(Peek())) return Fail("malformed numeric OID", pos_);
    std::size_t arc_start = pos_;
    while (!AtEnd() && IsDigit(Peek())) ++pos_;
    if (pos_ - arc_start > 1 && in_[arc_start] == '0') {
      return Fail("leading zero in a numeric OID", arc_start);
    }
    ++arcs;
    if (AtEnd() || Peek() != '.') break;
    ++pos_;
  }
  if (arcs < 2) return Fail("a numeric OID needs at least two arcs", start);
  out_->append(in_.substr(start, pos_ - start));
  return true;
}

bool DnNormalizer::ParseValue() {
  value_start_ = out_->size();
  last_raw_space_ = std::string::npos;
  if (!AtEnd() && Peek() == '#') return ParseHexValue();
  if (!AtEnd() && Peek() == '"') return ParseQuotedValue();
  return ParseStringValue();
}

// "#" followed by the hex of a BER encoding: kept as lower-case hex, not decoded.
bool DnNormalizer::ParseHexValue() {
  out_->push_back('#');
  ++pos_;
  std::size_t start = pos_;
  while (!AtEnd() && IsHex(Peek())) out_->push_back(ToLowerAscii(in_[pos_++]));
  std::size_t digits = pos_ - start;
  if (digits == 0)
    return Fail("'#' must be followed by hex digits (escape a literal '#' as \\#)", start);
  if (digits % 2 != 0) return Fail("odd number of hex digits in a '#' value", pos_);
  SkipSpaces();
  if (!AtEnd() && Peek() != ',' && Peek() != ';' && Peek() != '+') {
    return Fail("unexpected character in a '#' hex value", pos_);
  }
  return true;
}

// RFC 2253 §4 / RFC 1779 quoted values, still emitted by some directories: everything up to
// the closing quote is literal except backslash escapes; spaces inside are significant.
bool DnNormalizer::ParseQuotedValue() {
  std::size_t open = pos_;
  ++pos_;
  for (;;) {
    if (AtEnd()) return Fail("unterminated quoted value", open);
    char c = Peek();
    if (c == '"') break;
    char byte = c;
    if (c == '\\') {
      if (!ParseEscape(&byte)) return false;
    } else {
      if (c == '\0') return Fail("NUL byte in a value (write \\00)", pos_);
      ++pos_;
    }
    EmitValueByte(byte);
  }
  ++pos_;  // the closing quote
  FinishValue();
  SkipSpaces();
  if (!AtEnd() && Peek() != ',' && Peek() != ';' && Peek() != '+') {
    return Fail("unexpected character after a quoted value", pos_);
  }
  return true;
}

bool DnNormalizer::ParseStringValue() {
  std::size_t pending_spaces = 0;  // unescaped spaces not yet known to be inside the value
  while (!AtEnd()) {
    char c = Peek();
    // Fast path: a run of plain bytes. A leading '#' never gets here (it starts a hex
    // value), so no byte of the run needs escaping.
    if (IsPlainValueByte(c)) {
      for (; pending_spaces > 0; --pending_spaces) out_->push_back(' ');
      std::size_t start = pos_;
      while (!AtEnd() && IsPlainValueByte(Peek())) ++pos_;
      std::size_t old_size = out_->size();
      out_->append(in_.data() + start, pos_ - start);
      for (std::size_t i = old_size; i < out_->size(); ++i) (*out_)[i] = ToLowerAscii((*out_)[i]);
      continue;
    }
    if (c == ',' || c == ';' || c == '+') break;
    if (c == ' ') {
      ++pending_spaces;
      ++pos_;
      continue;
    }
    char byte = c;
    if (c == '\\') {
      if (!ParseEscape(&byte)) return false;
    } else {
      switch (c) {
        case '"':
          return Fail("unescaped '\"' in a value (write \\\")", pos_);
        case '<':
          return Fail("unescaped '<' in a value (write \\<)", pos_);
        case '>':
          return Fail("unescaped '>' in a value (write \\>)", pos_);
        case '\0':
          return Fail("NUL byte in a value (write \\00)", pos_);
        default:
          break;
      }
      ++pos_;
    }
    for (; pending_spaces > 0; --pending_spaces) {
      out_->push_back(' ');
      last_raw_space_ = out_->size() - 1;
    }
    EmitValueByte(byte);
  }
  // Unescaped trailing spaces are not part of the value (RFC 2253 §4).
  FinishValue();
  return true;
}

bool DnNormalizer::ParseEscape(char* byte) {
  std::size_t at = pos_;
  ++pos_;  // the backslash
  if (AtEnd()) return Fail("'\\' at the end of the DN", at);
  char c = Peek();
  if (IsHex(c)) {
    if (pos_ + 1 >= in_.size() || !IsHex(in_[pos_ + 1])) {
      return Fail("'\\' must be followed by two hex digits or a special character", at);
    }
    *byte = static_cast<char>(HexValue(c) * 16 + HexValue(in_[pos_ + 1]));
    pos_ += 2;
    return true;
  }
  if (!IsEscapable(c)) {
    return Fail("'\\' must be followed by two hex digits or a special character", at);
  }
  *byte = c;
  ++pos_;
  return true;
}

void DnNormalizer::EmitValueByte(char byte) {
  bool first = out_->size() == value_start_;
  if (byte == '\0') {
    out_->append("\\00");
  } else if (NeedsEscape(byte) || (first && (byte == ' ' || byte == '#'))) {
    out_->push_back('\\');
    out_->push_back(byte);
  } else {
    out_->push_back(ToLowerAscii(byte));
    if (byte == ' ') last_raw_space_ = out_->size() - 1;
  }
}

void DnNormalizer::FinishValue() {
  if (last_raw_space_ != std::string::npos && last_raw_space_ + 1 == out_->size()) {
    out_->insert(last_raw_space_, 1, '\\');
  }
}

// The parts of a multi-valued RDN in byte order, so "uid=b+cn=a" equals "cn=a+uid=b". A
// '+' inside a normalised value is always escaped, so the split points are exact.
void DnNormalizer::SortAvas(std::size_t rdn_start) {
  std::string rdn = out_->substr(rdn_start);
  std::vector<std::string_view> avas;
  avas.reserve(ava_count_);
  for (std::size_t i = 0; i < ava_count_; ++i) {
    std::size_t begin = (i < kInlineAvas ? ava_inline_[i] : ava_overflow_[i - kInlineAvas]);
    std::size_t end =
        i + 1 < ava_count_
            ? (i + 1 < kInlineAvas ? ava_inline_[i + 1] : ava_overflow_[i + 1 - kInlineAvas]) - 1
            : out_->size();
    avas.emplace_back(rdn.data() + (begin - rdn_start), end - begin);
  }
  std::sort(avas.begin(), avas.end());
  out_->resize(rdn_start);
  for (std::size_t i = 0; i < avas.size(); ++i) {
    if (i > 0) out_->push_back('+');
    out_->append(avas[i]);
  }
}

// Normalises into `out`, reusing its capacity.
bool NormalizeInto(std::string_view dn, std::string* out) {
  DnNormalizer normalizer(dn, out);
  return normalizer.Run();
}

// True when the ',' at `pos` of a normal-form DN separates RDNs: preceded by an even number
// of backslashes (an escaped backslash before it does not escape it).
bool IsRdnSeparator(std::string_view normal, std::size_t pos) {
  if (normal[pos] != ',') return false;
  std::size_t backslashes = 0;
  while (backslashes < pos && normal[pos - 1 - backslashes] == '\\') ++backslashes;
  return backslashes % 2 == 0;
}

}  // namespace

Result<std::string> NormalizeDn(std::string_view dn) {
  std::string out;
  DnNormalizer normalizer(dn, &out);
  if (!normalizer.Run()) {
    return Status::InvalidInput(std::string("malformed DN: ") + normalizer.error() + " at offset " +
                                std::to_string(normalizer.error_offset()));
  }
  return out;
}

bool DnIsWithin(std::string_view dn, std::string_view base) {
  // Buffers reused across calls: this runs once per user and group of every read.
  thread_local std::string dn_normal;
  thread_local std::string base_normal;
  thread_local std::string base_input;  // the base last normalised: callers repeat one base
  thread_local bool base_cached = false;
  thread_local bool base_ok = false;
  if (!base_cached || base != base_input) {
    base_input.assign(base);
    base_ok = NormalizeInto(base, &base_normal);
    base_cached = true;
  }
  if (!base_ok || !NormalizeInto(dn, &dn_normal)) return false;
  if (base_normal.empty()) return true;  // everything is below the root
  if (dn_normal.size() < base_normal.size()) return false;
  std::size_t offset = dn_normal.size() - base_normal.size();
  if (std::string_view(dn_normal).substr(offset) != base_normal) return false;
  return offset == 0 || IsRdnSeparator(dn_normal, offset - 1);
}

}  // namespace pmbridge
