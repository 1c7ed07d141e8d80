// Placeholder: replaced by the RFC 4514 parser.
#include "bridge/dn.h"

namespace pmbridge {
Result<std::string> NormalizeDn(std::string_view dn) { return std::string(dn); }
bool DnIsWithin(std::string_view dn, std::string_view base) {
  return dn.size() >= base.size() && dn.substr(dn.size() - base.size()) == base;
}
}  // namespace pmbridge
