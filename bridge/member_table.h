// The membership index's member map: member DN -> the groups listing it directly, some
// 100,000 members and 300,000 memberships in a full resolve. Open addressing with linear
// probing, the hashes in a dense array of their own: a lookup reads a cache line of hashes
// and then only the entry whose hash matches, where a node-based map misses the cache three
// or four times (bucket, previous node, node, key) and allocates a node per member.
//
// Keys are views: whoever adds one keeps the DN it views alive, or points the entry at an
// equal DN elsewhere (Entry::member may be reassigned to an equal string) before it goes.
#pragma once

#include <boost/container/small_vector.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pmbridge {

class MemberTable {
 public:
  // A member is in a handful of groups: the list lives in the entry, not on the heap.
  using Groups = boost::container::small_vector<const std::string*, 4>;
  struct Entry {
    std::string_view member;
    Groups groups;
  };

  // Room for `members` entries without growing.
  void Reserve(std::size_t members);
  // The entry of `member`, added with no groups when there was none. Adding may move every
  // entry: pointers to entries are valid until the next FindOrAdd or Erase.
  Entry& FindOrAdd(std::string_view member);
  // nullptr when there is no entry for `member`.
  Entry* Find(std::string_view member);
  const Entry* Find(std::string_view member) const;
  // Starts fetching the hash and entry a lookup of `member` reads first into the cache: a
  // table of 100,000 members looked up in another order than it was filled misses the
  // cache on each. A hint only; the lookup itself hashes again.
  void Prefetch(std::string_view member) const {
    if (hashes_.empty()) return;
    const std::size_t slot = HashOf(member) & (hashes_.size() - 1);
    __builtin_prefetch(&hashes_[slot]);
    __builtin_prefetch(&entries_[slot]);
  }
  // Removes `entry` (from Find or FindOrAdd); other entries may move.
  void Erase(Entry& entry);
  void Clear();
  std::size_t size() const { return size_; }

 private:
  static std::uint64_t HashOf(std::string_view member);
  // The slot of `member`, or of the empty slot where it would go.
  std::size_t SlotOf(std::string_view member, std::uint64_t hash) const;
  void Rehash(std::size_t capacity);

  std::vector<std::uint64_t> hashes_;  // 0: an empty slot
  std::vector<Entry> entries_;         // entries_[i] belongs to hashes_[i]
  std::size_t size_ = 0;
};

}  // namespace pmbridge
