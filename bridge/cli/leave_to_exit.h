// A one-shot command's large results (a 100k-person reconcile's snapshot, desired state and
// accounts: some 200 MB in millions of allocations) need not be freed one allocation at a
// time just before the process ends: its exit returns all of their memory at once. Compilers
// skip their teardown the same way. The values are kept reachable until then, so that a
// leak checker does not report them.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace pmbridge {

template <typename T>
void LeaveToExit(T&& value) {
  static auto* const kept = new std::vector<std::shared_ptr<void>>();  // never freed
  kept->push_back(std::make_shared<std::decay_t<T>>(std::forward<T>(value)));
}

}  // namespace pmbridge
