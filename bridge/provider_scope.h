// ProviderScope: which providers' patients an account may see — every provider ("All
// Providers" in the PM screens) or a set of provider codes ("Selected Providers").
#pragma once

#include <cstddef>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace pmbridge {

class ProviderScope {
 public:
  // The selected codes, sorted and distinct: a forward range of views into the scope,
  // valid while it lives unchanged.
  class Codes {
   public:
    class iterator {
     public:
      using iterator_category = std::forward_iterator_tag;
      using value_type = std::string_view;
      using difference_type = std::ptrdiff_t;
      using pointer = void;
      using reference = std::string_view;

      iterator() = default;
      std::string_view operator*() const { return code_; }
      iterator& operator++();
      iterator operator++(int) {
        iterator before = *this;
        ++*this;
        return before;
      }
      bool operator==(const iterator& other) const { return at_ == other.at_; }

     private:
      friend class Codes;
      iterator(const char* at, const char* end);
      const char* at_ = nullptr;   // the length of the current code
      const char* end_ = nullptr;  // of the packed codes
      std::string_view code_;
    };

    iterator begin() const { return iterator(packed_.data(), packed_.data() + packed_.size()); }
    iterator end() const {
      return iterator(packed_.data() + packed_.size(), packed_.data() + packed_.size());
    }
    bool empty() const { return packed_.empty(); }

   private:
    friend class ProviderScope;
    explicit Codes(std::string_view packed) : packed_(packed) {}
    std::string_view packed_;
  };

  static ProviderScope All();
  // `codes` in any order, duplicates allowed.
  static ProviderScope Selected(std::vector<std::string> codes);
  // `codes` already sorted and distinct (a resolve's union is made so).
  static ProviderScope SelectedSorted(const std::vector<std::string_view>& codes);

  // Union; `all` wins.
  void Merge(const ProviderScope& other);

  bool all() const { return all_; }
  // Empty when all() (the codes are then irrelevant).
  Codes codes() const { return Codes(packed_); }
  bool empty() const { return !all_ && packed_.empty(); }

  // "all" or "DRJONES,DRSMITH" (sorted) or "none".
  std::string ToString() const;
  // Packed canonically (sorted, distinct), so equal scopes pack to equal bytes.
  bool operator==(const ProviderScope&) const = default;

 private:
  bool all_ = false;
  // Each code as its length (7 bits a byte, low bits first, high bit set on all but the
  // last byte) and its bytes. One allocation per person, and for a handful of short codes
  // none at all: 100,000 accounts and as many entitlements each hold a scope, and a list of
  // strings took some 190 bytes for five six-letter codes where this takes 35.
  std::string packed_;
};

}  // namespace pmbridge
