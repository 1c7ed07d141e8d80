#include "connectors/directory/filter_attributes.h"

#include "connectors/directory/attribute_description.h"

namespace pmbridge {

std::vector<std::string> FilterAttributes(std::string_view filter) {
  std::vector<std::string> out;
  // In a valid filter every unescaped '(' opens an item or a set ('&', '|', '!'): values
  // escape parentheses as \28 and \29.
  for (std::size_t i = 0; i < filter.size(); ++i) {
    if (filter[i] != '(') continue;
    const std::size_t start = i + 1;
    std::size_t end = start;
    while (end < filter.size() && filter[end] != '=' && filter[end] != '~' && filter[end] != '>' &&
           filter[end] != '<' && filter[end] != ':' && filter[end] != ';' && filter[end] != '(' &&
           filter[end] != ')' && filter[end] != '&' && filter[end] != '|' && filter[end] != '!') {
      ++end;
    }
    const std::string_view type = filter.substr(start, end - start);
    if (type.empty()) continue;
    bool seen = false;
    for (const std::string& a : out) seen = seen || SameAttribute(a, type);
    if (!seen) out.emplace_back(type);
  }
  return out;
}

}  // namespace pmbridge
