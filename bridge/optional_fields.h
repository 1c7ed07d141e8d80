// OptionalFields: an optional AccountFields kept on the heap. A Change's "before" is empty
// for every create, which is all of a first reconcile: held inline (std::optional) it made
// each of 100,000 changes 224 bytes larger; here it costs a pointer. Reads like
// std::optional; copies are deep.
#pragma once

#include <memory>
#include <utility>

#include "bridge/pm_state.h"

namespace pmbridge {

class OptionalFields {
 public:
  OptionalFields() = default;
  OptionalFields(const OptionalFields& other) { *this = other; }
  OptionalFields(OptionalFields&&) noexcept = default;
  OptionalFields& operator=(const OptionalFields& other) {
    if (this != &other) {
      fields_ = other.fields_ ? std::make_unique<AccountFields>(*other.fields_) : nullptr;
    }
    return *this;
  }
  OptionalFields& operator=(OptionalFields&&) noexcept = default;
  OptionalFields& operator=(AccountFields fields) {
    fields_ = std::make_unique<AccountFields>(std::move(fields));
    return *this;
  }

  explicit operator bool() const { return fields_ != nullptr; }
  const AccountFields& operator*() const { return *fields_; }
  const AccountFields* operator->() const { return fields_.get(); }

 private:
  std::unique_ptr<AccountFields> fields_;
};

}  // namespace pmbridge
