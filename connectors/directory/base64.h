// Base64 (RFC 4648, standard alphabet, '=' padding): binary values such as Active
// Directory's DirSync cookie kept in text (the sync position in pmbridge_state).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pmbridge {

std::string EncodeBase64(std::string_view bytes);

// The bytes `text` encodes, or nullopt unless `text` is canonical padded base64: a length
// that is a multiple of four, only alphabet characters, '=' only as the last one or two.
// Whitespace is not accepted: a stored position is never wrapped.
std::optional<std::string> DecodeBase64(std::string_view text);

}  // namespace pmbridge
