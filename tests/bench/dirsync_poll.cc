#include "tests/bench/dirsync_poll.h"

#include <memory>
#include <stdexcept>
#include <utility>

namespace pmbridge::bench {
namespace {

// As connectors/directory/dirsync_follower.cc asks: tombstones keep their objectClass.
constexpr const char* kFilter = "(|(objectClass=user)(objectClass=group))";
// What the follower requests with the active_directory defaults: the user attributes, the
// member attribute, what marks a deletion, rename, move or new object, and what the default
// users and groups filters test.
constexpr const char* kAttributes[] = {"sAMAccountName",
                                       "objectGUID",
                                       "givenName",
                                       "sn",
                                       "initials",
                                       "mail",
                                       "member",
                                       "isDeleted",
                                       "name",
                                       "parentGUID",
                                       "objectClass",
                                       "objectCategory",
                                       "userAccountControl",
                                       "accountExpires",
                                       nullptr};
// Incremental values: a group losing a member comes as that value removed, not the list.
constexpr int kFlags = static_cast<int>(LDAP_CONTROL_X_DIRSYNC_INCREMENTAL_VALUES);

struct ControlFree {
  void operator()(LDAPControl* c) const { ldap_control_free(c); }
};
struct MessageFree {
  void operator()(LDAPMessage* m) const { ldap_msgfree(m); }
};

[[noreturn]] void Fail(LDAP* ld, int rc, const std::string& what) {
  char* detail = nullptr;
  ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &detail);
  std::string text = "DirSync " + what + ": " + ldap_err2string(rc);
  if (detail != nullptr && *detail != '\0') text += std::string(" (") + detail + ")";
  ldap_memfree(detail);
  throw std::runtime_error(text);
}

}  // namespace

DirsyncPoll::DirsyncPoll(LDAP* ld, std::string naming_context)
    : ld_(ld), naming_context_(std::move(naming_context)) {
  // The naming context's search answers include continuation references to the
  // Configuration partition; chasing them would be a connection to another "server".
  ldap_set_option(ld_, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
}

int DirsyncPoll::Round() {
  int entries = 0;
  for (;;) {
    berval cookie{cookie_.size(), cookie_.empty() ? nullptr : cookie_.data()};
    LDAPControl* raw_control = nullptr;
    int rc = ldap_create_dirsync_control(ld_, kFlags, 0, &cookie, &raw_control);
    if (rc != LDAP_SUCCESS) Fail(ld_, rc, "control");
    std::unique_ptr<LDAPControl, ControlFree> control(raw_control);
    control->ldctl_iscritical = 1;
    LDAPControl* controls[] = {control.get(), nullptr};
    LDAPMessage* raw_result = nullptr;
    rc = ldap_search_ext_s(ld_, naming_context_.c_str(), LDAP_SCOPE_SUBTREE, kFilter,
                           const_cast<char**>(kAttributes), 0, controls, nullptr, nullptr,
                           LDAP_NO_LIMIT, &raw_result);
    std::unique_ptr<LDAPMessage, MessageFree> result(raw_result);
    if (rc != LDAP_SUCCESS) Fail(ld_, rc, "search of " + naming_context_);
    entries += ldap_count_entries(ld_, result.get());

    // Skips the entries of the chain to its search result.
    int code = LDAP_SUCCESS;
    LDAPControl** response_controls = nullptr;
    rc = ldap_parse_result(ld_, result.get(), &code, nullptr, nullptr, nullptr, &response_controls,
                           0);
    std::unique_ptr<LDAPControl*, void (*)(LDAPControl**)> owned(response_controls,
                                                                 ldap_controls_free);
    if (rc != LDAP_SUCCESS) Fail(ld_, rc, "result");
    if (code != LDAP_SUCCESS) Fail(ld_, code, "search of " + naming_context_);
    LDAPControl* response = ldap_control_find(LDAP_CONTROL_X_DIRSYNC, response_controls, nullptr);
    if (response == nullptr) throw std::runtime_error("DirSync: no response control");
    int more = 0;
    berval next{};
    rc = ldap_parse_dirsync_control(ld_, response, &more, &next);
    if (rc != LDAP_SUCCESS) Fail(ld_, rc, "response control");
    cookie_.assign(next.bv_val, next.bv_len);
    ldap_memfree(next.bv_val);
    if (more == 0) return entries;
  }
}

}  // namespace pmbridge::bench
