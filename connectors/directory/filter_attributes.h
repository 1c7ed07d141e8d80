// The attribute types a search filter tests. A change stream that reports only the
// attributes asked for (DirSync) must be asked for these too, or a change that moves an
// entry in or out of the filter would go unnoticed until the next full read.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pmbridge {

// Each attribute type named by an item of `filter` (a valid RFC 4515 filter), once, in
// order of appearance (compared ignoring ASCII case); options (";binary") are dropped. An
// extensible match without a type ("(:dn:2.5.13.5:=x)") names none.
std::vector<std::string> FilterAttributes(std::string_view filter);

}  // namespace pmbridge
