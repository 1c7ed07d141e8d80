#include "bridge/status.h"

namespace pmbridge {
namespace {

const char* CodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "OK";
    case ErrorCode::kInvalidInput:
      return "invalid input";
    case ErrorCode::kDirectory:
      return "directory error";
    case ErrorCode::kDatabase:
      return "database error";
    case ErrorCode::kRefused:
      return "refused";
    case ErrorCode::kNotFound:
      return "not found";
    case ErrorCode::kInternal:
      return "internal error";
  }
  return "error";
}

}  // namespace

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(CodeName(code_)) + ": " + message_;
}

Status Status::WithContext(const std::string& context) const {
  if (ok()) return *this;
  return Status(code_, context + ": " + message_);
}

}  // namespace pmbridge
