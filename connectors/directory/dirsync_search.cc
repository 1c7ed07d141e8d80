#include "connectors/directory/dirsync_search.h"

#include <ldap.h>

#include <memory>

#include "connectors/directory/sigpipe_guard.h"

namespace pmbridge {
namespace {

struct MessageDeleter {
  void operator()(LDAPMessage* m) const { ldap_msgfree(m); }
};
using MessagePtr = std::unique_ptr<LDAPMessage, MessageDeleter>;

struct ControlDeleter {
  void operator()(LDAPControl* c) const { ldap_control_free(c); }
};
using ControlPtr = std::unique_ptr<LDAPControl, ControlDeleter>;

// Everything ldap_parse_result allocates, freed together.
struct ParsedResult {
  int code = LDAP_SUCCESS;
  char* matched_dn = nullptr;
  char* text = nullptr;
  char** referrals = nullptr;
  LDAPControl** controls = nullptr;

  ParsedResult() = default;
  ParsedResult(const ParsedResult&) = delete;
  ParsedResult& operator=(const ParsedResult&) = delete;
  ~ParsedResult() {
    ldap_memfree(matched_dn);
    ldap_memfree(text);
    ldap_memvfree(reinterpret_cast<void**>(referrals));
    ldap_controls_free(controls);
  }
};

// The message id of a search in flight, abandoned unless it completed.
class PendingSearch {
 public:
  PendingSearch(LDAP* ld, int msgid) : ld_(ld), msgid_(msgid) {}
  ~PendingSearch() {
    if (msgid_ >= 0) ldap_abandon_ext(ld_, msgid_, nullptr, nullptr);
  }
  PendingSearch(const PendingSearch&) = delete;
  PendingSearch& operator=(const PendingSearch&) = delete;
  void Completed() { msgid_ = -1; }

 private:
  LDAP* ld_;
  int msgid_;
};

// Incremental values: a changed multi-valued attribute (member) comes as the values added
// and removed, not as the whole list.
constexpr int kDirsyncFlags = static_cast<int>(LDAP_CONTROL_X_DIRSYNC_INCREMENTAL_VALUES);

}  // namespace

Result<std::string> RunDirsync(LdapConnection& connection, const DirsyncRequest& request,
                               std::string_view cookie, const EntryHandler& on_entry) {
  SigpipeGuard no_sigpipe;
  LDAP* ld = connection.handle();
  std::vector<char*> attributes;
  attributes.reserve(request.attributes.size() + 1);
  static char kNoAttributes[] = "1.1";
  if (request.attributes.empty()) attributes.push_back(kNoAttributes);
  for (const std::string& a : request.attributes) {
    attributes.push_back(const_cast<char*>(a.c_str()));
  }
  attributes.push_back(nullptr);

  const std::string what =
      "DirSync search of " + request.base + " (subtree, filter " + request.filter + ")";
  std::string current(cookie);
  for (bool first = true;; first = false) {
    berval cookie_value{};
    cookie_value.bv_val = current.empty() ? nullptr : current.data();
    cookie_value.bv_len = current.size();
    LDAPControl* raw_control = nullptr;
    int rc = ldap_create_dirsync_control(ld, kDirsyncFlags, 0, &cookie_value, &raw_control);
    ControlPtr control(raw_control);
    if (rc != LDAP_SUCCESS) {
      return connection.Failure(rc, "cannot build the DirSync control for the " + what);
    }
    // Critical: a server without DirSync must refuse, not answer a plain search that would
    // look like a list of changes.
    control->ldctl_iscritical = 1;
    LDAPControl* server_controls[] = {control.get(), nullptr};
    timeval timeout = ToTimeval(connection.timeout());
    int msgid = -1;
    rc = ldap_search_ext(ld, request.base.c_str(), LDAP_SCOPE_SUBTREE, request.filter.c_str(),
                         attributes.data(), 0, server_controls, nullptr, &timeout, LDAP_NO_LIMIT,
                         &msgid);
    if (rc != LDAP_SUCCESS) return connection.Failure(rc, "cannot send the " + what);
    PendingSearch pending(ld, msgid);

    for (;;) {
      LDAPMessage* raw = nullptr;
      timeout = ToTimeval(connection.timeout());
      rc = ldap_result(ld, msgid, LDAP_MSG_ONE, &timeout, &raw);
      MessagePtr message(raw);
      if (rc == 0) {
        return connection.Failure(
            LDAP_TIMEOUT,
            what + " got no answer within " + std::to_string(connection.timeout().count()) + " ms");
      }
      if (rc < 0) {
        int code = LDAP_OTHER;
        ldap_get_option(ld, LDAP_OPT_RESULT_CODE, &code);
        return connection.Failure(code, what + " failed");
      }
      const auto type = static_cast<ber_tag_t>(rc);
      if (type == LDAP_RES_SEARCH_ENTRY) {
        LdapEntry entry(ld, message.get());
        if (!entry.status().ok()) return entry.status().WithContext(what);
        PMB_RETURN_IF_ERROR(on_entry(entry));
        continue;
      }
      // Another naming context below the base (Configuration, DNS zones): not followed.
      if (type == LDAP_RES_SEARCH_REFERENCE) continue;
      if (type != LDAP_RES_SEARCH_RESULT) {
        return Status::Directory(what + " at " + connection.url() +
                                 " returned an unexpected message (type " + std::to_string(rc) +
                                 ")");
      }

      pending.Completed();
      ParsedResult result;
      rc = ldap_parse_result(ld, message.get(), &result.code, &result.matched_dn, &result.text,
                             &result.referrals, &result.controls, 0);
      if (rc != LDAP_SUCCESS) {
        return connection.Failure(rc, "cannot decode the result of the " + what);
      }
      const std::string server_text = result.text != nullptr ? result.text : "";
      if (result.code == LDAP_UNAVAILABLE_CRITICAL_EXTENSION && first && !cookie.empty()) {
        return Status::InvalidInput("the directory at " + connection.url() +
                                    " rejected the stored DirSync cookie (" + server_text +
                                    "); the follower starts again from nothing");
      }
      if (result.code == LDAP_INSUFFICIENT_ACCESS) {
        return Status::Directory(
            what + " at " + connection.url() + " was refused: " + ldap_err2string(result.code) +
            " (" + std::to_string(result.code) + ")" +
            (server_text.empty() ? "" : ": " + server_text) +
            ". DirSync needs the bind account to hold the \"Replicating Directory Changes\" "
            "right (DS-Replication-Get-Changes) on the domain root " +
            request.base +
            "; grant it, or use change_detection: usn, which needs only read access");
      }
      if (result.code != LDAP_SUCCESS) {
        return connection.Failure(result.code, what + " failed", server_text);
      }
      LDAPControl* response = ldap_control_find(LDAP_CONTROL_X_DIRSYNC, result.controls, nullptr);
      if (response == nullptr) {
        return Status::Directory(what + " at " + connection.url() +
                                 " ended without the DirSync response control: the server does "
                                 "not support DirSync (it is not Active Directory?)");
      }
      int more = 0;
      berval next{};
      rc = ldap_parse_dirsync_control(ld, response, &more, &next);
      std::string next_cookie(next.bv_val != nullptr ? next.bv_val : "",
                              next.bv_val != nullptr ? next.bv_len : 0);
      ldap_memfree(next.bv_val);
      if (rc != LDAP_SUCCESS) {
        return connection.Failure(rc, "cannot decode the DirSync response of the " + what);
      }
      if (next_cookie.empty()) {
        return Status::Directory(what + " at " + connection.url() +
                                 " returned an empty DirSync cookie");
      }
      current = std::move(next_cookie);
      if (more == 0) return current;
      break;  // the server has more: ask again from the cookie it gave
    }
  }
}

}  // namespace pmbridge
