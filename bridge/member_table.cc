#include "bridge/member_table.h"

#include <functional>
#include <utility>

namespace pmbridge {
namespace {

// At most 7 slots in 8 taken: 100,000 members fit in 131,072 slots. Lookups of members
// present, nearly all of a resolve's, then read about three hashes.
bool TooFull(std::size_t entries, std::size_t capacity) { return entries * 8 > capacity * 7; }

}  // namespace

std::uint64_t MemberTable::HashOf(std::string_view member) {
  const std::uint64_t hash = std::hash<std::string_view>{}(member);
  return hash == 0 ? 1 : hash;  // 0 marks an empty slot
}

std::size_t MemberTable::SlotOf(std::string_view member, std::uint64_t hash) const {
  const std::size_t mask = hashes_.size() - 1;
  std::size_t slot = hash & mask;
  while (hashes_[slot] != 0 && (hashes_[slot] != hash || entries_[slot].member != member)) {
    slot = (slot + 1) & mask;
  }
  return slot;
}

void MemberTable::Reserve(std::size_t members) {
  std::size_t capacity = hashes_.empty() ? 8 : hashes_.size();
  while (TooFull(members, capacity)) capacity *= 2;
  if (capacity > hashes_.size()) Rehash(capacity);
}

void MemberTable::Rehash(std::size_t capacity) {
  std::vector<std::uint64_t> hashes(capacity, 0);
  std::vector<Entry> entries(capacity);
  const std::size_t mask = capacity - 1;
  for (std::size_t i = 0; i < hashes_.size(); ++i) {
    if (hashes_[i] == 0) continue;
    std::size_t slot = hashes_[i] & mask;
    while (hashes[slot] != 0) slot = (slot + 1) & mask;
    hashes[slot] = hashes_[i];
    entries[slot] = std::move(entries_[i]);
  }
  hashes_ = std::move(hashes);
  entries_ = std::move(entries);
}

MemberTable::Entry& MemberTable::FindOrAdd(std::string_view member) {
  if (hashes_.empty() || TooFull(size_ + 1, hashes_.size())) {
    Rehash(hashes_.empty() ? 8 : hashes_.size() * 2);
  }
  const std::uint64_t hash = HashOf(member);
  const std::size_t slot = SlotOf(member, hash);
  if (hashes_[slot] == 0) {
    hashes_[slot] = hash;
    entries_[slot].member = member;
    ++size_;
  }
  return entries_[slot];
}

MemberTable::Entry* MemberTable::Find(std::string_view member) {
  return const_cast<Entry*>(std::as_const(*this).Find(member));
}

const MemberTable::Entry* MemberTable::Find(std::string_view member) const {
  if (hashes_.empty()) return nullptr;
  const std::size_t slot = SlotOf(member, HashOf(member));
  return hashes_[slot] == 0 ? nullptr : &entries_[slot];
}

void MemberTable::Erase(Entry& entry) {
  // Backward shift: each later entry of the run moves into the hole when its own slot is
  // not after the hole, so that every entry stays reachable from its slot without markers.
  const std::size_t mask = hashes_.size() - 1;
  std::size_t hole = static_cast<std::size_t>(&entry - entries_.data());
  for (std::size_t next = (hole + 1) & mask; hashes_[next] != 0; next = (next + 1) & mask) {
    const std::size_t home = hashes_[next] & mask;
    if (((next - home) & mask) >= ((next - hole) & mask)) {
      hashes_[hole] = hashes_[next];
      entries_[hole] = std::move(entries_[next]);
      hole = next;
    }
  }
  hashes_[hole] = 0;
  entries_[hole] = Entry{};
  --size_;
}

void MemberTable::Clear() {
  hashes_.clear();
  entries_.clear();
  size_ = 0;
}

}  // namespace pmbridge
