// Anchors: the attribute that identifies a person for life, whatever their DN or login
// becomes. OpenLDAP's entryUUID is text; Active Directory's objectGUID is 16 raw bytes.
#pragma once

#include <string>
#include <string_view>

#include "bridge/status.h"

namespace pmbridge {

// True when `attribute` holds a binary GUID (objectGUID) rather than text.
bool IsBinaryGuidAttribute(std::string_view attribute);

// objectGUID bytes in the form Active Directory tools show:
// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", lower-case, the first three groups little-endian
// (the GUID struct's Data1..Data3), the last two in byte order. kDirectory unless `bytes`
// is exactly 16 bytes long.
Result<std::string> FormatObjectGuid(std::string_view bytes);

// The anchor text for a value of `attribute`: FormatObjectGuid for objectGUID, the value
// itself otherwise. An empty value is kDirectory.
Result<std::string> AnchorFromValue(std::string_view attribute, std::string_view value);

}  // namespace pmbridge
