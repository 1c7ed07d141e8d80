#include "bridge/explanation.h"

#include <map>
#include <nlohmann/json.hpp>

#include "bridge/account_json.h"
#include "bridge/resolver.h"

namespace pmbridge {
namespace {

// The rights one grant's role gives, module -> mask (`rights: all` expanded).
std::map<std::string, std::uint8_t> RoleRights(const Role& role, const Catalog& catalog) {
  std::map<std::string, std::uint8_t> out;
  if (role.all_rights) {
    for (const std::string& m : catalog.modules) out[m] = kAllRights;
  } else {
    out.insert(role.rights.modules().begin(), role.rights.modules().end());
  }
  return out;
}

const DirectoryUser* FindUser(const std::string& folded, const DesiredState& d,
                              const Entitlement** entitlement) {
  for (const Entitlement& e : d.entitled) {
    if (FoldLogin(e.user->login) == folded) {
      *entitlement = &e;
      return e.user;
    }
  }
  for (const Ineligible& i : d.ineligible) {
    if (FoldLogin(i.user->login) == folded) return i.user;
  }
  return nullptr;
}

nlohmann::ordered_json SourcesJson(const std::vector<Explanation::Source>& sources) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& s : sources) {
    nlohmann::ordered_json grants = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < s.grants.size(); ++i) {
      const Grant& g = s.grants[i];
      const std::string detail = i < s.details.size() ? s.details[i] : std::string();
      grants.push_back({{"gives", detail.empty() ? s.what : detail},
                        {"group", g.group_dn()},
                        {"via", g.via},
                        {"role", g.role()},
                        {"rule", g.rule->where.ToString()}});
    }
    list.push_back({{"what", s.what}, {"granted_by", std::move(grants)}});
  }
  return list;
}

}  // namespace

std::optional<Explanation> Explain(const std::string& login, const Assessment& assessment,
                                   const CurrentState& current, const Mapping& mapping) {
  const std::string folded = FoldLogin(login);
  Explanation x;
  x.login = login;

  const Entitlement* entitlement = nullptr;
  const DirectoryUser* user = FindUser(folded, assessment.desired, &entitlement);
  if (user != nullptr) {
    x.directory_dn = user->dn;
    if (entitlement != nullptr) {
      x.directory_status = "entitled";
    } else {
      auto it = assessment.desired.ineligible_by_anchor.find(user->anchor);
      x.directory_status = "not entitled: " + assessment.desired.ineligible[it->second].reason;
    }
  }
  for (const Conflict& c : assessment.plan.conflicts) {
    if (FoldLogin(c.login) == folded) x.directory_status = "conflict: " + c.message;
  }

  // The PM row: the one linked to this person's anchor, else the one with the login.
  for (const AccountLink& l : current.links) {
    if (user != nullptr && l.anchor == user->anchor) {
      for (const PmAccount& a : current.accounts) {
        if (a.user_id == l.user_id) x.account = a;
      }
      x.managed = true;
    }
  }
  if (!x.account) {
    for (const PmAccount& a : current.accounts) {
      if (FoldLogin(a.fields.login) != folded) continue;
      x.account = a;
      for (const AccountLink& l : current.links) x.managed = x.managed || l.user_id == a.user_id;
    }
  }
  if (user == nullptr && !x.account) return std::nullopt;
  if (user == nullptr) x.directory_status = "not in the directory (or not under the users base)";

  if (entitlement != nullptr) {
    struct ModuleSources {
      std::uint8_t mask = 0;
      std::vector<Grant> grants;
      std::vector<std::uint8_t> masks;  // what each grant gives
    };
    std::map<std::string, ModuleSources> rights;
    std::map<std::string, std::vector<Grant>> providers;
    std::vector<Grant> super_user, access_security;
    for (const Grant& g : entitlement->grants) {
      const Role& role = mapping.roles.at(g.role());
      for (const auto& [module, mask] : RoleRights(role, current.catalog)) {
        ModuleSources& m = rights[module];
        m.mask |= mask;
        m.grants.push_back(g);
        m.masks.push_back(mask);
      }
      if (g.rule->providers.all()) providers["all providers"].push_back(g);
      for (std::string_view code : g.rule->providers.codes()) {
        providers[std::string(code)].push_back(g);
      }
      if (role.super_user) super_user.push_back(g);
      if (role.access_security) access_security.push_back(g);
    }
    for (auto& [module, m] : rights) {
      Explanation::Source source{module + ": " + RightMaskToString(m.mask), m.grants, {}};
      for (std::uint8_t mask : m.masks) {
        source.details.push_back(mask == m.mask ? std::string() : RightMaskToString(mask));
      }
      x.rights.push_back(std::move(source));
    }
    for (auto& [code, grants] : providers) {
      x.providers.push_back({code == "all providers" ? code : "provider " + code, grants, {}});
    }
    if (!super_user.empty()) x.flags.push_back({"super user", super_user, {}});
    if (!access_security.empty()) x.flags.push_back({"access security", access_security, {}});
  }

  for (const Change& c : assessment.plan.changes) {
    const bool mine = (user != nullptr && c.anchor == user->anchor) ||
                      (x.account && c.user_id && *c.user_id == x.account->user_id);
    if (!mine) continue;
    x.pending.push_back(std::string("would ") + ChangeActionName(c.action));
    for (const std::string& r : c.reasons) x.pending.push_back("  " + r);
  }
  return x;
}

std::string Explanation::ToString() const {
  std::string out = "Login " + login + "\n";
  out += "  directory: " + (directory_dn.empty() ? std::string("-") : directory_dn) + "\n";
  out += "  status:    " + directory_status + "\n";
  if (account) {
    const AccountFields& f = account->fields;
    out += "  PM account: user_id " + std::to_string(account->user_id) + ", " +
           (f.active ? "active" : "disabled") + ", " +
           (managed ? "managed by pmbridge"
                    : "not managed by pmbridge (" + account->auth_source + ")") +
           "\n";
    if (!account->disabled_reason.empty())
      out += "  disabled because: " + account->disabled_reason + "\n";
    const std::string r = f.rights.ToString();
    out += "  PM rights now: " + (r.empty() ? std::string("none") : r) + "\n";
    out += "  PM providers now: " + f.providers.ToString() + "\n";
  } else {
    out += "  PM account: none yet\n";
  }
  auto section = [&out](const char* title, const std::vector<Source>& sources) {
    if (sources.empty()) return;
    out += std::string(title) + ":\n";
    for (const Source& s : sources) {
      out += "  " + s.what + "\n";
      for (std::size_t i = 0; i < s.grants.size(); ++i) {
        const bool partial = i < s.details.size() && !s.details[i].empty();
        out += "      " + (partial ? s.details[i] + " " : std::string()) + "from " +
               s.grants[i].ToString() + "\n";
      }
    }
  };
  section("Rights", rights);
  section("Providers", providers);
  section("Flags", flags);
  if (pending.empty()) {
    out += "Pending: nothing, the PM account matches the directory\n";
  } else {
    out += "Pending:\n";
    for (const std::string& p : pending) out += "  " + p + "\n";
  }
  return out;
}

std::string Explanation::ToJson() const {
  nlohmann::ordered_json j = {{"login", login},
                              {"directory_dn", directory_dn},
                              {"status", directory_status},
                              {"managed", managed}};
  if (account) {
    j["account"] = {{"user_id", account->user_id},
                    {"auth_source", account->auth_source},
                    {"disabled_reason", account->disabled_reason},
                    {"fields", AccountFieldsToJson(account->fields)}};
  } else {
    j["account"] = nullptr;
  }
  j["rights"] = SourcesJson(rights);
  j["providers"] = SourcesJson(providers);
  j["flags"] = SourcesJson(flags);
  j["pending"] = pending;
  return j.dump(2) + "\n";
}

}  // namespace pmbridge
