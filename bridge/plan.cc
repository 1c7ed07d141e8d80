#include "bridge/plan.h"

namespace pmbridge {

const char* ChangeActionName(ChangeAction action) {
  switch (action) {
    case ChangeAction::kCreate:
      return "create";
    case ChangeAction::kUpdate:
      return "update";
    case ChangeAction::kDisable:
      return "disable";
    case ChangeAction::kEnable:
      return "enable";
  }
  return "?";
}

Plan::Summary Plan::summary() const {
  Summary s;
  for (const Change& c : changes) {
    switch (c.action) {
      case ChangeAction::kCreate:
        ++s.create;
        break;
      case ChangeAction::kUpdate:
        ++s.update;
        break;
      case ChangeAction::kDisable:
        ++s.disable;
        break;
      case ChangeAction::kEnable:
        ++s.enable;
        break;
    }
  }
  s.unchanged = unchanged;
  return s;
}

std::string Plan::ToString() const { return {}; }
std::string Plan::ToJson() const { return "{}"; }

}  // namespace pmbridge
