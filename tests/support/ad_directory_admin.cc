#include "tests/support/ad_directory_admin.h"

#include <ldap.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <utility>

#include "connectors/directory/ad_account_status.h"
#include "connectors/directory/anchor.h"
#include "tests/support/samba_server.h"

namespace pmbridge::testing {
namespace {

// Active Directory's tree-delete control (LDAP_SERVER_TREE_DELETE_OID).
constexpr char kTreeDeleteOid[] = "1.2.840.113556.1.4.805";
// Requests in flight during CreateUsers.
constexpr int kAddWindow = 64;
// Member values per modify request.
constexpr std::size_t kMembersPerModify = 500;
constexpr int kTimeoutSeconds = 60;

using Attributes = std::vector<std::pair<std::string, std::vector<std::string>>>;

// RFC 4514 escaping of an attribute value for use in an RDN.
std::string EscapeRdnValue(const std::string& value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    const bool special = std::strchr(",+\"\\<>;=", c) != nullptr && c != '\0';
    const bool edge_space = c == ' ' && (i == 0 || i + 1 == value.size());
    if (special || edge_space || (i == 0 && c == '#')) out += '\\';
    out += c;
  }
  return out;
}

// The first RDN of `dn` ("CN=a\,b" of "CN=a\,b,OU=x,...").
std::string FirstRdn(const std::string& dn) {
  for (std::size_t i = 0; i < dn.size(); ++i) {
    if (dn[i] == '\\') {
      ++i;
    } else if (dn[i] == ',') {
      return dn.substr(0, i);
    }
  }
  return dn;
}

std::string ParentDn(const std::string& dn) {
  const std::string rdn = FirstRdn(dn);
  return rdn.size() < dn.size() ? dn.substr(rdn.size() + 1) : std::string();
}

// LDAPMod arrays over a copy of the attributes, valid as long as this object.
class Mods {
 public:
  Mods(int op, Attributes attributes) : attributes_(std::move(attributes)) {
    // Every vector is filled before pointers into it are taken.
    bervals_.resize(attributes_.size());
    bval_ptrs_.resize(attributes_.size());
    mods_.resize(attributes_.size());
    for (std::size_t i = 0; i < attributes_.size(); ++i) {
      for (std::string& v : attributes_[i].second) {
        bervals_[i].push_back(berval{static_cast<ber_len_t>(v.size()), v.data()});
      }
      for (berval& bv : bervals_[i]) bval_ptrs_[i].push_back(&bv);
      bval_ptrs_[i].push_back(nullptr);
      mods_[i].mod_op = op | LDAP_MOD_BVALUES;
      mods_[i].mod_type = attributes_[i].first.data();
      // No values: for a replace, the attribute is removed.
      mods_[i].mod_bvalues = bervals_[i].empty() ? nullptr : bval_ptrs_[i].data();
    }
    for (LDAPMod& mod : mods_) mod_ptrs_.push_back(&mod);
    mod_ptrs_.push_back(nullptr);
  }
  Mods(const Mods&) = delete;
  Mods& operator=(const Mods&) = delete;

  LDAPMod** get() { return mod_ptrs_.data(); }

 private:
  Attributes attributes_;
  std::vector<std::vector<berval>> bervals_;
  std::vector<std::vector<berval*>> bval_ptrs_;
  std::vector<LDAPMod> mods_;
  std::vector<LDAPMod*> mod_ptrs_;
};

Attributes UserAttributes(const AdUser& user) {
  Attributes attributes = {
      {"objectClass", {"top", "person", "organizationalPerson", "user"}},
      {"cn", {user.cn}},
      {"sAMAccountName", {user.sam_account_name}},
      {"userAccountControl", {std::to_string(user.user_account_control)}},
  };
  for (const auto& [name, value] :
       {std::pair<const char*, const std::string&>{"givenName", user.given_name},
        {"sn", user.sn},
        {"mail", user.mail},
        {"initials", user.initials}}) {
    if (!value.empty()) attributes.push_back({name, {value}});
  }
  return attributes;
}

}  // namespace

struct AdDirectoryAdmin::Connection {
  LDAP* ld = nullptr;
  std::string url;

  ~Connection() {
    if (ld != nullptr) ldap_unbind_ext_s(ld, nullptr, nullptr);
  }

  // "<what> <dn>: <error> (<diagnostic message>)" for the last synchronous operation.
  [[noreturn]] void Fail(const std::string& what, const std::string& dn, int rc) const {
    std::string message = what + " " + dn + " at " + url + ": " + ldap_err2string(rc);
    char* diagnostic = nullptr;
    if (ld != nullptr &&
        ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diagnostic) == LDAP_OPT_SUCCESS &&
        diagnostic != nullptr) {
      if (*diagnostic != '\0') message += std::string(" (") + diagnostic + ")";
      ldap_memfree(diagnostic);
    }
    throw AdAdminError(message);
  }

  void Check(const std::string& what, const std::string& dn, int rc) const {
    if (rc != LDAP_SUCCESS) Fail(what, dn, rc);
  }

  void Add(const std::string& dn, Attributes attributes) {
    Mods mods(LDAP_MOD_ADD, std::move(attributes));
    Check("adding", dn, ldap_add_ext_s(ld, dn.c_str(), mods.get(), nullptr, nullptr));
  }

  void Modify(const std::string& dn, int op, Attributes attributes) {
    Mods mods(op, std::move(attributes));
    Check("modifying", dn, ldap_modify_ext_s(ld, dn.c_str(), mods.get(), nullptr, nullptr));
  }

  // The result of the asynchronous operation in `msg` (freed): throws on an error.
  void CheckResult(const std::string& what, const std::string& dn, LDAPMessage* msg) const {
    int err = LDAP_SUCCESS;
    char* diagnostic = nullptr;
    const int rc = ldap_parse_result(ld, msg, &err, nullptr, &diagnostic, nullptr, nullptr, 1);
    std::string text = diagnostic != nullptr ? diagnostic : "";
    if (diagnostic != nullptr) ldap_memfree(diagnostic);
    if (rc != LDAP_SUCCESS) Fail(what, dn, rc);
    if (err != LDAP_SUCCESS) {
      throw AdAdminError(what + " " + dn + " at " + url + ": " + ldap_err2string(err) +
                         (text.empty() ? "" : " (" + text + ")"));
    }
  }
};

AdDirectoryAdmin::AdDirectoryAdmin(const std::string& url, const std::string& bind_dn,
                                   const std::string& password)
    : connection_(std::make_unique<Connection>()) {
  Connection& c = *connection_;
  c.url = url;
  c.Check("connecting to", url, ldap_initialize(&c.ld, url.c_str()));
  const int version = LDAP_VERSION3;
  ldap_set_option(c.ld, LDAP_OPT_PROTOCOL_VERSION, &version);
  ldap_set_option(c.ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
  const timeval timeout{kTimeoutSeconds, 0};
  ldap_set_option(c.ld, LDAP_OPT_NETWORK_TIMEOUT, &timeout);
  ldap_set_option(c.ld, LDAP_OPT_TIMEOUT, &timeout);
  berval credentials{static_cast<ber_len_t>(password.size()), const_cast<char*>(password.data())};
  c.Check("binding as", bind_dn,
          ldap_sasl_bind_s(c.ld, bind_dn.c_str(), LDAP_SASL_SIMPLE, &credentials, nullptr, nullptr,
                           nullptr));
}

AdDirectoryAdmin::AdDirectoryAdmin(const SambaServer& dc)
    : AdDirectoryAdmin(dc.url(), dc.admin_dn(), dc.admin_password()) {}

AdDirectoryAdmin::~AdDirectoryAdmin() = default;

std::string AdDirectoryAdmin::CreateOu(const std::string& parent_dn, const std::string& name) {
  const std::string dn = "OU=" + EscapeRdnValue(name) + "," + parent_dn;
  connection_->Add(dn, {{"objectClass", {"top", "organizationalUnit"}}, {"ou", {name}}});
  return dn;
}

std::string AdDirectoryAdmin::CreateUser(const std::string& parent_dn, const AdUser& user) {
  const std::string dn = "CN=" + EscapeRdnValue(user.cn) + "," + parent_dn;
  connection_->Add(dn, UserAttributes(user));
  return dn;
}

std::vector<std::string> AdDirectoryAdmin::CreateUsers(const std::string& parent_dn,
                                                       const std::string& prefix, int count) {
  Connection& c = *connection_;
  std::vector<std::string> dns;
  dns.reserve(static_cast<std::size_t>(std::max(count, 0)));
  std::map<int, std::string> in_flight;  // message id -> DN
  std::string first_error;
  // Collects one result. After a failure the rest are still collected, so the connection
  // holds no stray results for the next operation.
  auto collect_one = [&] {
    LDAPMessage* msg = nullptr;
    timeval timeout{kTimeoutSeconds, 0};
    const int type = ldap_result(c.ld, LDAP_RES_ANY, LDAP_MSG_ALL, &timeout, &msg);
    if (type <= 0) {
      if (msg != nullptr) ldap_msgfree(msg);
      c.Fail("waiting for the results of adding users under", parent_dn,
             type == 0 ? LDAP_TIMEOUT : type);
    }
    const auto it = in_flight.find(ldap_msgid(msg));
    const std::string dn = it == in_flight.end() ? "(an unexpected message)" : it->second;
    if (it != in_flight.end()) in_flight.erase(it);
    try {
      c.CheckResult("adding", dn, msg);
    } catch (const AdAdminError& e) {
      if (first_error.empty()) first_error = e.what();
    }
  };
  for (int i = 0; i < count && first_error.empty(); ++i) {
    char number[16];
    std::snprintf(number, sizeof number, "%05d", i);
    AdUser user;
    user.cn = user.sam_account_name = prefix + number;
    user.given_name = "Given" + std::string(number);
    user.sn = prefix;
    const std::string dn = "CN=" + EscapeRdnValue(user.cn) + "," + parent_dn;
    Mods mods(LDAP_MOD_ADD, UserAttributes(user));
    int msgid = 0;
    const int rc = ldap_add_ext(c.ld, dn.c_str(), mods.get(), nullptr, nullptr, &msgid);
    if (rc != LDAP_SUCCESS) {
      while (!in_flight.empty()) collect_one();
      c.Fail("adding", dn, rc);
    }
    in_flight.emplace(msgid, dn);
    dns.push_back(dn);
    if (in_flight.size() >= static_cast<std::size_t>(kAddWindow)) collect_one();
  }
  while (!in_flight.empty()) collect_one();
  if (!first_error.empty()) throw AdAdminError(first_error);
  return dns;
}

std::string AdDirectoryAdmin::CreateGroup(const std::string& parent_dn, const std::string& cn,
                                          const std::vector<std::string>& members) {
  const std::string dn = "CN=" + EscapeRdnValue(cn) + "," + parent_dn;
  connection_->Add(dn, {{"objectClass", {"top", "group"}}, {"cn", {cn}}, {"sAMAccountName", {cn}}});
  AddMembers(dn, members);
  return dn;
}

std::string AdDirectoryAdmin::CreateComputer(const std::string& parent_dn, const std::string& cn) {
  const std::string dn = "CN=" + EscapeRdnValue(cn) + "," + parent_dn;
  connection_->Add(dn,
                   {{"objectClass", {"top", "person", "organizationalPerson", "user", "computer"}},
                    {"cn", {cn}},
                    {"sAMAccountName", {cn + "$"}},
                    {"userAccountControl", {std::to_string(kUacWorkstationTrustAccount)}}});
  return dn;
}

void AdDirectoryAdmin::AddMembers(const std::string& group_dn,
                                  const std::vector<std::string>& member_dns) {
  for (std::size_t i = 0; i < member_dns.size(); i += kMembersPerModify) {
    const std::size_t end = std::min(member_dns.size(), i + kMembersPerModify);
    connection_->Modify(group_dn, LDAP_MOD_ADD,
                        {{"member",
                          {member_dns.begin() + static_cast<std::ptrdiff_t>(i),
                           member_dns.begin() + static_cast<std::ptrdiff_t>(end)}}});
  }
}

void AdDirectoryAdmin::RemoveMembers(const std::string& group_dn,
                                     const std::vector<std::string>& member_dns) {
  for (std::size_t i = 0; i < member_dns.size(); i += kMembersPerModify) {
    const std::size_t end = std::min(member_dns.size(), i + kMembersPerModify);
    connection_->Modify(group_dn, LDAP_MOD_DELETE,
                        {{"member",
                          {member_dns.begin() + static_cast<std::ptrdiff_t>(i),
                           member_dns.begin() + static_cast<std::ptrdiff_t>(end)}}});
  }
}

void AdDirectoryAdmin::SetUserAccountControl(const std::string& dn, int value) {
  Replace(dn, "userAccountControl", {std::to_string(value)});
}

void AdDirectoryAdmin::SetAccountExpires(const std::string& dn, std::int64_t file_time_ticks) {
  Replace(dn, "accountExpires", {std::to_string(file_time_ticks)});
}

void AdDirectoryAdmin::SetAccountExpires(const std::string& dn,
                                         std::chrono::system_clock::time_point when) {
  SetAccountExpires(dn, ToFileTimeTicks(when));
}

void AdDirectoryAdmin::SetPassword(const std::string& dn, const std::string& password) {
  std::string utf16le;
  for (char c : "\"" + password + "\"") {
    utf16le.push_back(c);
    utf16le.push_back('\0');
  }
  Replace(dn, "unicodePwd", {utf16le});
}

void AdDirectoryAdmin::Replace(const std::string& dn, const std::string& attribute,
                               const std::vector<std::string>& values) {
  connection_->Modify(dn, LDAP_MOD_REPLACE, {{attribute, values}});
}

void AdDirectoryAdmin::Delete(const std::string& dn, bool subtree) {
  LDAPControl tree_delete{const_cast<char*>(kTreeDeleteOid), {0, nullptr}, 0};
  LDAPControl* controls[] = {&tree_delete, nullptr};
  connection_->Check(
      "deleting", dn,
      ldap_delete_ext_s(connection_->ld, dn.c_str(), subtree ? controls : nullptr, nullptr));
}

std::string AdDirectoryAdmin::Rename(const std::string& dn, const std::string& new_rdn) {
  connection_->Check(
      "renaming", dn,
      ldap_rename_s(connection_->ld, dn.c_str(), new_rdn.c_str(), nullptr, 1, nullptr, nullptr));
  const std::string parent = ParentDn(dn);
  return parent.empty() ? new_rdn : new_rdn + "," + parent;
}

std::string AdDirectoryAdmin::Move(const std::string& dn, const std::string& new_parent_dn) {
  const std::string rdn = FirstRdn(dn);
  connection_->Check("moving", dn,
                     ldap_rename_s(connection_->ld, dn.c_str(), rdn.c_str(), new_parent_dn.c_str(),
                                   1, nullptr, nullptr));
  return rdn + "," + new_parent_dn;
}

std::vector<std::string> AdDirectoryAdmin::Read(const std::string& dn,
                                                const std::string& attribute) {
  Connection& c = *connection_;
  char* attrs[] = {const_cast<char*>(attribute.c_str()), nullptr};
  LDAPMessage* result = nullptr;
  const int rc = ldap_search_ext_s(c.ld, dn.c_str(), LDAP_SCOPE_BASE, "(objectClass=*)", attrs, 0,
                                   nullptr, nullptr, nullptr, 0, &result);
  if (rc != LDAP_SUCCESS) {
    if (result != nullptr) ldap_msgfree(result);
    c.Fail("reading " + attribute + " of", dn, rc);
  }
  std::vector<std::string> values;
  LDAPMessage* entry = ldap_first_entry(c.ld, result);
  if (entry != nullptr) {
    berval** bvs = ldap_get_values_len(c.ld, entry, attribute.c_str());
    for (berval** v = bvs; v != nullptr && *v != nullptr; ++v) {
      values.emplace_back((*v)->bv_val, (*v)->bv_len);
    }
    if (bvs != nullptr) ldap_value_free_len(bvs);
  }
  ldap_msgfree(result);
  if (entry == nullptr) throw AdAdminError("reading " + attribute + " of " + dn + ": no entry");
  return values;
}

std::string AdDirectoryAdmin::ObjectGuid(const std::string& dn) {
  const std::vector<std::string> values = Read(dn, "objectGUID");
  if (values.size() != 1) {
    throw AdAdminError("reading objectGUID of " + dn + ": " + std::to_string(values.size()) +
                       " values");
  }
  Result<std::string> guid = FormatObjectGuid(values[0]);
  if (!guid.ok()) throw AdAdminError("objectGUID of " + dn + ": " + guid.status().ToString());
  return std::move(guid).value();
}

}  // namespace pmbridge::testing
