#include "bridge/provider_scope.h"

#include <algorithm>
#include <cassert>
#include <functional>
#include <iterator>

namespace pmbridge {
namespace {

void AppendCode(std::string& packed, std::string_view code) {
  std::size_t length = code.size();
  while (length >= 0x80) {
    packed.push_back(static_cast<char>(0x80 | (length & 0x7f)));
    length >>= 7;
  }
  packed.push_back(static_cast<char>(length));
  packed.append(code);
}

std::size_t PackedSize(const std::vector<std::string_view>& codes) {
  std::size_t size = 0;
  for (std::string_view code : codes) {
    size += code.size() + 1;
    for (std::size_t length = code.size(); length >= 0x80; length >>= 7) ++size;
  }
  return size;
}

std::vector<std::string_view> Views(ProviderScope::Codes codes) {
  return std::vector<std::string_view>(codes.begin(), codes.end());
}

}  // namespace

ProviderScope::Codes::iterator::iterator(const char* at, const char* end) : at_(at), end_(end) {
  if (at_ == end_) return;
  std::size_t length = 0;
  int shift = 0;
  const char* p = at_;
  while ((static_cast<unsigned char>(*p) & 0x80) != 0) {
    length |= static_cast<std::size_t>(static_cast<unsigned char>(*p) & 0x7f) << shift;
    shift += 7;
    ++p;
  }
  length |= static_cast<std::size_t>(static_cast<unsigned char>(*p)) << shift;
  code_ = std::string_view(p + 1, length);
}

ProviderScope::Codes::iterator& ProviderScope::Codes::iterator::operator++() {
  *this = iterator(code_.data() + code_.size(), end_);
  return *this;
}

ProviderScope ProviderScope::All() {
  ProviderScope s;
  s.all_ = true;
  return s;
}

ProviderScope ProviderScope::Selected(std::vector<std::string> codes) {
  std::vector<std::string_view> views(codes.begin(), codes.end());
  std::sort(views.begin(), views.end());
  views.erase(std::unique(views.begin(), views.end()), views.end());
  return SelectedSorted(views);
}

ProviderScope ProviderScope::SelectedSorted(const std::vector<std::string_view>& codes) {
  assert(std::adjacent_find(codes.begin(), codes.end(), std::greater_equal<>()) == codes.end());
  ProviderScope s;
  s.packed_.reserve(PackedSize(codes));
  for (std::string_view code : codes) AppendCode(s.packed_, code);
  return s;
}

void ProviderScope::Merge(const ProviderScope& other) {
  if (all_) return;
  if (other.all_) {
    all_ = true;
    packed_.clear();
    return;
  }
  if (packed_.empty()) {
    packed_ = other.packed_;
    return;
  }
  const std::vector<std::string_view> mine = Views(codes()), theirs = Views(other.codes());
  std::vector<std::string_view> merged;
  merged.reserve(mine.size() + theirs.size());
  std::set_union(mine.begin(), mine.end(), theirs.begin(), theirs.end(),
                 std::back_inserter(merged));
  *this = SelectedSorted(merged);
}

std::string ProviderScope::ToString() const {
  if (all_) return "all";
  if (packed_.empty()) return "none";
  std::string out;
  for (std::string_view code : codes()) {
    if (!out.empty()) out += ",";
    out += code;
  }
  return out;
}

}  // namespace pmbridge
