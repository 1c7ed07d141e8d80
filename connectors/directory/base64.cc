#include "connectors/directory/base64.h"

#include <openssl/evp.h>

namespace pmbridge {
namespace {

bool IsBase64Alphabet(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

}  // namespace

std::string EncodeBase64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  if (out.empty()) return out;
  // EVP_EncodeBlock writes a terminating NUL after the 4*ceil(n/3) characters.
  std::string buffer(out.size() + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(buffer.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()));
  buffer.resize(static_cast<std::size_t>(written));
  return buffer;
}

std::optional<std::string> DecodeBase64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  if (text.empty()) return std::string();
  std::size_t padding = 0;
  if (text.back() == '=') ++padding;
  if (text.size() >= 2 && text[text.size() - 2] == '=') ++padding;
  for (std::size_t i = 0; i < text.size() - padding; ++i) {
    if (!IsBase64Alphabet(text[i])) return std::nullopt;
  }
  // EVP_DecodeBlock (unlike EVP_DecodeUpdate) also trims whitespace and does not report
  // the padding, so the input was checked above and the padding is taken off here.
  std::string out(3 * text.size() / 4, '\0');
  const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(text.data()),
                                      static_cast<int>(text.size()));
  if (written < 0 || static_cast<std::size_t>(written) != out.size()) return std::nullopt;
  out.resize(out.size() - padding);
  // Canonical: the bits the padding leaves over must be zero, or two texts would decode
  // to the same cookie.
  if (EncodeBase64(out) != text) return std::nullopt;
  return out;
}

}  // namespace pmbridge
