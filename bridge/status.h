// Status and Result<T>: how the engine reports failure without exceptions.
//
// Exceptions from yaml-cpp, SOCI, Boost and libldap wrappers are caught once, at the
// boundary that calls them, and turned into a Status. Inside the engine every fallible
// function returns a Status or a Result<T>.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace pmbridge {

enum class ErrorCode {
  kOk = 0,
  kInvalidInput,  // config, mapping or command-line error the administrator must fix
  kDirectory,     // the directory could not be read completely
  kDatabase,      // the PM database failed
  kRefused,       // a safety rule refused the change (exit code 3)
  kNotFound,      // a looked-up object does not exist
  kInternal,      // a bug
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK

  static Status Ok() { return Status(); }
  static Status InvalidInput(std::string msg) { return {ErrorCode::kInvalidInput, std::move(msg)}; }
  static Status Directory(std::string msg) { return {ErrorCode::kDirectory, std::move(msg)}; }
  static Status Database(std::string msg) { return {ErrorCode::kDatabase, std::move(msg)}; }
  static Status Refused(std::string msg) { return {ErrorCode::kRefused, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {ErrorCode::kNotFound, std::move(msg)}; }
  static Status Internal(std::string msg) { return {ErrorCode::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "directory error: <message>", or "OK".
  std::string ToString() const;

  // A copy whose message is "<context>: <message>"; OK stays OK.
  Status WithContext(const std::string& context) const;

 private:
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

// Holds either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok() && "Result built from an OK Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace pmbridge

// Propagates a non-OK Status from an expression returning Status.
#define PMB_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::pmbridge::Status pmb_status_ = (expr);   \
    if (!pmb_status_.ok()) return pmb_status_; \
  } while (0)
