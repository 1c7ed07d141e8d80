#include "connectors/directory/dirsync_search.h"

#include <ldap.h>

#include <memory>

namespace pmbridge {
namespace {

struct ControlDeleter {
  void operator()(LDAPControl* c) const { ldap_control_free(c); }
};
using ControlPtr = std::unique_ptr<LDAPControl, ControlDeleter>;

// Incremental values: a changed multi-valued attribute (member) comes as the values added
// and removed, not as the whole list.
constexpr int kDirsyncFlags = static_cast<int>(LDAP_CONTROL_X_DIRSYNC_INCREMENTAL_VALUES);

}  // namespace

Result<std::string> RunDirsync(LdapConnection& connection, const DirsyncRequest& request,
                               std::string_view cookie, const EntryHandler& on_entry) {
  LDAP* ld = connection.handle();
  AttributeNames attributes(request.attributes);
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

    SearchOperation operation;
    operation.what = what;
    operation.base = request.base.c_str();
    operation.scope = LDAP_SCOPE_SUBTREE;
    operation.filter = request.filter.c_str();
    operation.attributes = attributes.get();
    operation.controls = server_controls;
    // Another naming context below the base (Configuration, DNS zones): not followed.
    operation.references = ContinuationReferences::kSkip;
    Result<SearchResult> result = RunSearchOperation(connection, operation, on_entry);
    if (!result.ok()) return result.status();

    const std::string server_text(result->text());
    if (result->code() == LDAP_UNAVAILABLE_CRITICAL_EXTENSION && first && !cookie.empty()) {
      return Status::InvalidInput("the directory at " + connection.url() +
                                  " rejected the stored DirSync cookie (" + server_text +
                                  "); the follower starts again from nothing");
    }
    if (result->code() == LDAP_INSUFFICIENT_ACCESS) {
      return Status::Directory(
          what + " at " + connection.url() + " was refused: " + ldap_err2string(result->code()) +
          " (" + std::to_string(result->code()) + ")" +
          (server_text.empty() ? "" : ": " + server_text) +
          ". DirSync needs the bind account to hold the \"Replicating Directory Changes\" "
          "right (DS-Replication-Get-Changes) on the domain root " +
          request.base + "; grant it, or use change_detection: usn, which needs only read access");
    }
    if (result->code() != LDAP_SUCCESS) {
      return connection.Failure(result->code(), what + " failed", server_text);
    }
    LDAPControl* response = result->Control(LDAP_CONTROL_X_DIRSYNC);
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
    // The server has more: ask again from the cookie it gave.
  }
}

}  // namespace pmbridge
