#include "tests/unit/engine/clinic_builder.h"

#include <algorithm>

namespace pmbridge::testing {

std::string UserDn(const std::string& uid) { return "uid=" + uid + "," + kPeople; }
std::string GroupDn(const std::string& cn) { return "cn=" + cn + "," + kGroups; }

const Entitlement* EntitledWithAnchor(const DesiredState& desired, std::string_view anchor) {
  auto it = std::find_if(desired.entitled.begin(), desired.entitled.end(),
                         [anchor](const Entitlement& e) { return e.user->anchor == anchor; });
  return it == desired.entitled.end() ? nullptr : &*it;
}

ClinicBuilder::ClinicBuilder() {
  auto role = [this](const std::string& name, int line) -> Role& {
    Role& r = mapping_.roles[name];
    r.name = name;
    r.where = {"mappings/clinic.yaml", line, 3};
    return r;
  };
  Role& front = role("front-desk", 4);
  front.rights.Grant("patients", kView | kEdit);
  front.rights.Grant("scheduling", kAllRights);
  Role& billing = role("billing", 6);
  billing.rights.Grant("charges", kView | kEdit);
  billing.rights.Grant("payments", kAllRights);
  billing.rights.Grant("reports", kView);
  Role& clinical = role("clinical", 8);
  clinical.rights.Grant("patients", kView | kEdit);
  clinical.rights.Grant("scheduling", kView);
  clinical.rights.Grant("reports", kView);
  Role& admin = role("administrator", 10);
  admin.all_rights = true;
  admin.super_user = true;
  admin.access_security = true;

  auto rule = [this](const std::string& cn, const std::string& role_name, ProviderScope scope,
                     int line) {
    GroupRule g;
    g.dn = GroupDn(cn);
    g.dn_as_written = g.dn;
    g.role = role_name;
    g.providers = std::move(scope);
    g.where = {"mappings/clinic.yaml", line, 5};
    mapping_.groups.push_back(std::move(g));
  };
  rule("pm-front-desk", "front-desk", ProviderScope::Selected({"DRSMITH", "DRJONES"}), 20);
  rule("pm-billing", "billing", ProviderScope::All(), 23);
  rule("pm-nurses", "clinical", ProviderScope::Selected({"DRPATEL"}), 26);
  rule("pm-admins", "administrator", ProviderScope::All(), 29);
  mapping_.policy.max_super_users = 2;
  mapping_.files = {"mappings/clinic.yaml"};
  for (const char* cn : {"pm-front-desk", "pm-billing", "pm-nurses", "pm-admins"}) Group(cn);
}

DirectoryGroup& ClinicBuilder::Group(const std::string& cn) {
  const std::string dn = GroupDn(cn);
  for (DirectoryGroup& g : snapshot_.groups) {
    if (g.dn == dn) return g;
  }
  snapshot_.groups.push_back({"group-" + cn, dn, {}});
  return snapshot_.groups.back();
}

ClinicBuilder& ClinicBuilder::Person(const std::string& uid, const std::string& anchor) {
  DirectoryUser u;
  u.anchor = anchor.empty() ? "uuid-" + uid : anchor;
  u.dn = UserDn(uid);
  u.login = uid;
  u.first_name = std::string(1, static_cast<char>(uid[0] - 'a' + 'A')) + uid.substr(1);
  u.last_name = "Tester";
  u.email = uid + "@clinic.example";
  snapshot_.users.push_back(std::move(u));
  return *this;
}

ClinicBuilder& ClinicBuilder::Member(const std::string& group_cn, const std::string& member) {
  const std::string value =
      member.rfind("group:", 0) == 0 ? GroupDn(member.substr(6)) : UserDn(member);
  if (member.rfind("group:", 0) == 0) Group(member.substr(6));
  Group(group_cn).members.push_back(value);
  return *this;
}

ClinicBuilder& ClinicBuilder::DisabledInDirectory(const std::string& uid,
                                                  const std::string& reason) {
  for (DirectoryUser& u : snapshot_.users) {
    if (u.login == uid) u.directory_disabled_reason = reason;
  }
  return *this;
}

ClinicBuilder& ClinicBuilder::MaxSuperUsers(int n) {
  mapping_.policy.max_super_users = n;
  return *this;
}

ClinicBuilder& ClinicBuilder::Protect(const std::string& login) {
  mapping_.policy.protected_logins.push_back(login);
  return *this;
}

Config ClinicBuilder::config() const {
  Config c;
  c.directory.users.base_dn = kPeople;
  c.directory.groups.base_dn = kGroups;
  c.directory.groups.nested = true;
  c.directory.users.attributes.login = "uid";
  c.safety.max_disables_per_run.value = 25;
  return c;
}

Catalog ClinicBuilder::ClinicCatalog() {
  Catalog c;
  c.modules = {"patients", "scheduling", "charges", "payments", "reports", "setup"};
  c.providers = {{"DRSMITH", 1}, {"DRJONES", 2}, {"DRPATEL", 3}};
  return c;
}

PmStateBuilder::PmStateBuilder() { state_.catalog = ClinicBuilder::ClinicCatalog(); }

PmStateBuilder& PmStateBuilder::Account(std::int64_t user_id, const AccountFields& fields,
                                        bool managed, const std::string& anchor) {
  PmAccount a;
  a.user_id = user_id;
  a.fields = fields;
  a.auth_source = managed ? "directory" : "local";
  state_.accounts.push_back(a);
  if (managed) {
    state_.links.push_back(
        {user_id, anchor.empty() ? "uuid-" + fields.login : anchor, UserDn(fields.login)});
  }
  return *this;
}

}  // namespace pmbridge::testing
