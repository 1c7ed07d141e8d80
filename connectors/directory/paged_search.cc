#include "connectors/directory/paged_search.h"

#include <memory>
#include <string_view>

namespace pmbridge {
namespace {

const char* ScopeName(int scope) {
  switch (scope) {
    case LDAP_SCOPE_BASE:
      return "base";
    case LDAP_SCOPE_ONELEVEL:
      return "one level";
    default:
      return "subtree";
  }
}

// Cookie bytes owned by libldap's allocator.
struct Cookie {
  berval value{};
  Cookie() = default;
  Cookie(const Cookie&) = delete;
  Cookie& operator=(const Cookie&) = delete;
  ~Cookie() { ldap_memfree(value.bv_val); }
  bool empty() const { return value.bv_val == nullptr || value.bv_len == 0; }
  void Reset() {
    ldap_memfree(value.bv_val);
    value = berval{};
  }
};

// The controls built for one request (the paging control included), freed together.
class ControlsGuard {
 public:
  explicit ControlsGuard(std::vector<LDAPControl*>* controls) : controls_(controls) {}
  ~ControlsGuard() {
    for (LDAPControl* c : *controls_) ldap_control_free(c);
  }
  ControlsGuard(const ControlsGuard&) = delete;
  ControlsGuard& operator=(const ControlsGuard&) = delete;

 private:
  std::vector<LDAPControl*>* controls_;
};

}  // namespace

std::string SearchRequest::Describe() const {
  return "search of " + (base.empty() ? std::string("the root DSE") : base) + " (" +
         ScopeName(scope) + ", filter " + filter + ")";
}

std::vector<std::string> SubtreeSearchControls(const DirectoryConfig& config) {
  if (config.flavor != DirectoryFlavor::kActiveDirectory) return {};
  return {LDAP_CONTROL_X_DOMAIN_SCOPE};
}

Status PagedSearch(LdapConnection& connection, const SearchRequest& request,
                   const EntryHandler& on_entry) {
  LDAP* ld = connection.handle();
  AttributeNames attributes(request.attributes);
  const bool paged = request.page_size > 0;
  Cookie cookie;
  for (int page = 1;; ++page) {
    const std::string what =
        paged ? request.Describe() + ", page " + std::to_string(page) : request.Describe();
    LDAPControl* page_control = nullptr;
    if (paged) {
      // Critical: a server that cannot page must refuse, not return one truncated answer.
      int rc = ldap_create_page_control(ld, request.page_size, &cookie.value, 1, &page_control);
      if (rc != LDAP_SUCCESS) {
        return connection.Failure(rc, "cannot build the paging control for the " + what);
      }
    }
    std::vector<LDAPControl*> server_controls;
    ControlsGuard owned(&server_controls);
    for (const std::string& oid : request.controls) {
      LDAPControl* control = nullptr;
      int rc = ldap_control_create(oid.c_str(), 1, nullptr, 0, &control);
      if (rc != LDAP_SUCCESS) {
        ldap_control_free(page_control);
        return connection.Failure(rc, "cannot build control " + oid + " for the " + what);
      }
      server_controls.push_back(control);
    }
    if (page_control != nullptr) server_controls.push_back(page_control);
    const bool send_controls = !server_controls.empty();
    server_controls.push_back(nullptr);

    SearchOperation operation;
    operation.what = what;
    operation.base = request.base.c_str();
    operation.scope = request.scope;
    operation.filter = request.filter.c_str();
    operation.attributes = attributes.get();
    operation.controls = send_controls ? server_controls.data() : nullptr;
    operation.references = ContinuationReferences::kRefuse;
    if (request.on_page_sent) operation.sent = &request.on_page_sent;
    Result<SearchResult> result = RunSearchOperation(connection, operation, on_entry);
    if (!result.ok()) return result.status();
    if (result->code() == LDAP_REFERRAL || result->code() == LDAP_PARTIAL_RESULTS) {
      return Status::Directory(what + " at " + connection.url() + " was referred to " +
                               result->Referrals() +
                               ": the base is held by another server. Point the URL at it");
    }
    if (result->code() != LDAP_SUCCESS) {
      return connection.Failure(result->code(), what + " failed", result->text());
    }
    if (!paged) return Status::Ok();

    LDAPControl* response = result->Control(LDAP_CONTROL_PAGEDRESULTS);
    if (response == nullptr) {
      return Status::Directory(what + " at " + connection.url() +
                               " ended without the paged results response control: the "
                               "server did not page, so the read may be incomplete");
    }
    cookie.Reset();
    ber_int_t estimate = 0;
    int rc = ldap_parse_pageresponse_control(ld, response, &estimate, &cookie.value);
    if (rc != LDAP_SUCCESS) {
      return connection.Failure(rc, "cannot decode the paged results response of the " + what);
    }
    if (cookie.empty()) return Status::Ok();  // the last page
  }
}

}  // namespace pmbridge
