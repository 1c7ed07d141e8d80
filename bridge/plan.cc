#include "bridge/plan.h"

#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "bridge/account_json.h"

namespace pmbridge {
namespace {

std::string FullName(const AccountFields& f) {
  std::string name = f.first_name;
  if (!f.middle_initial.empty()) name += (name.empty() ? "" : " ") + f.middle_initial;
  if (!f.last_name.empty()) name += (name.empty() ? "" : " ") + f.last_name;
  return name;
}

std::string Flags(const AccountFields& f) {
  std::string out;
  if (f.super_user) out += " super-user";
  if (f.access_security) out += " access-security";
  return out.empty() ? " none" : out;
}

std::string PastTense(ChangeAction action) {
  switch (action) {
    case ChangeAction::kCreate:
      return "Created";
    case ChangeAction::kUpdate:
      return "Updated";
    case ChangeAction::kDisable:
      return "Disabled";
    case ChangeAction::kEnable:
      return "Enabled";
  }
  return "?";
}

}  // namespace

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

void Plan::Write(std::ostream& stream, PlanTense tense) const {
  std::string out;
  for (const Change& c : changes) {
    out.clear();
    out += tense == PlanTense::kWould ? "Would " + std::string(ChangeActionName(c.action))
                                      : PastTense(c.action);
    out += " " + c.login;
    const std::string name = FullName(c.after);
    if (!name.empty()) out += " (" + name + ")";
    if (c.user_id) out += ", user_id " + std::to_string(*c.user_id);
    out += "\n";
    if (!c.dn.empty()) out += "    dn: " + c.dn + "\n";
    if (c.action == ChangeAction::kCreate) {
      const std::string rights = c.after.rights.ToString();
      out += "    rights: " + (rights.empty() ? std::string("none") : rights) + "\n";
      out += "    providers: " + c.after.providers.ToString() + "\n";
      out += "    flags:" + Flags(c.after) + "\n";
    }
    for (const std::string& r : c.reasons) out += "    because: " + r + "\n";
    stream << out;
  }
  out.clear();
  for (const Conflict& c : conflicts) {
    out += "Conflict on login " + c.login + ": " + c.message + "\n";
    for (const std::string& dn : c.dns) out += "    " + dn + "\n";
  }
  for (const std::string& w : warnings) out += "Warning: " + w + "\n";
  const Summary s = summary();
  if (changes.empty()) {
    out += "Nothing to do: " + std::to_string(s.unchanged) + " managed accounts in sync";
  } else if (tense == PlanTense::kWould) {
    out += "Summary: " + std::to_string(s.create) + " to create, " + std::to_string(s.update) +
           " to update, " + std::to_string(s.enable) + " to enable, " + std::to_string(s.disable) +
           " to disable, " + std::to_string(s.unchanged) + " unchanged";
  } else {
    out += "Applied: " + std::to_string(s.create) + " created, " + std::to_string(s.update) +
           " updated, " + std::to_string(s.enable) + " enabled, " + std::to_string(s.disable) +
           " disabled, " + std::to_string(s.unchanged) + " unchanged";
  }
  if (!conflicts.empty()) {
    out += ", " + std::to_string(conflicts.size()) +
           (conflicts.size() == 1 ? " conflict" : " conflicts");
  }
  out += ".\n";
  stream << out;
}

std::string Plan::ToString(PlanTense tense) const {
  std::ostringstream out;
  Write(out, tense);
  return std::move(out).str();
}

std::string Plan::ToJson() const {
  using nlohmann::ordered_json;
  const Summary s = summary();
  ordered_json j;
  j["summary"] = {{"create", s.create},
                  {"update", s.update},
                  {"disable", s.disable},
                  {"enable", s.enable},
                  {"unchanged", s.unchanged}};
  ordered_json list = ordered_json::array();
  for (const Change& c : changes) {
    ordered_json item = {{"action", ChangeActionName(c.action)},
                         {"login", c.login},
                         {"anchor", c.anchor},
                         {"dn", c.dn}};
    if (c.user_id) item["user_id"] = *c.user_id;
    item["reasons"] = c.reasons;
    if (c.before) item["before"] = AccountFieldsToJson(*c.before);
    item["after"] = AccountFieldsToJson(c.after);
    if (!c.disabled_reason.empty()) item["disabled_reason"] = c.disabled_reason;
    list.push_back(std::move(item));
  }
  j["changes"] = std::move(list);
  ordered_json conflict_list = ordered_json::array();
  for (const Conflict& c : conflicts) {
    conflict_list.push_back({{"login", c.login}, {"message", c.message}, {"dns", c.dns}});
  }
  j["conflicts"] = std::move(conflict_list);
  j["warnings"] = warnings;
  return j.dump(2) + "\n";
}

}  // namespace pmbridge
