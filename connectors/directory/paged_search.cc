#include "connectors/directory/paged_search.h"

#include <memory>
#include <string_view>

#include "connectors/directory/sigpipe_guard.h"

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

struct MessageDeleter {
  void operator()(LDAPMessage* m) const { ldap_msgfree(m); }
};
using MessagePtr = std::unique_ptr<LDAPMessage, MessageDeleter>;

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

std::string JoinUrls(char** urls) {
  std::string out;
  for (char** u = urls; u != nullptr && *u != nullptr; ++u) {
    if (!out.empty()) out += ' ';
    out += *u;
  }
  return out.empty() ? "(no URL given)" : out;
}

// The state of one search: its message id, abandoned unless it completed.
class PendingSearch {
 public:
  PendingSearch(LDAP* ld, int msgid) : ld_(ld), msgid_(msgid) {}
  ~PendingSearch() {
    if (msgid_ >= 0) ldap_abandon_ext(ld_, msgid_, nullptr, nullptr);
  }
  PendingSearch(const PendingSearch&) = delete;
  PendingSearch& operator=(const PendingSearch&) = delete;
  int msgid() const { return msgid_; }
  void Completed() { msgid_ = -1; }

 private:
  LDAP* ld_;
  int msgid_;
};

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
  SigpipeGuard no_sigpipe;
  LDAP* ld = connection.handle();
  std::vector<char*> attributes;
  attributes.reserve(request.attributes.size() + 1);
  static char kNoAttributes[] = "1.1";
  if (request.attributes.empty()) attributes.push_back(kNoAttributes);
  for (const std::string& a : request.attributes)
    attributes.push_back(const_cast<char*>(a.c_str()));
  attributes.push_back(nullptr);

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
    // The timeval is also sent as the server-side time limit (whole seconds, at least 1).
    timeval timeout = ToTimeval(connection.timeout());
    int msgid = -1;
    int rc = ldap_search_ext(ld, request.base.c_str(), request.scope, request.filter.c_str(),
                             attributes.data(), 0, send_controls ? server_controls.data() : nullptr,
                             nullptr, &timeout, LDAP_NO_LIMIT, &msgid);
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
      if (type == LDAP_RES_SEARCH_REFERENCE) {
        // Part of the subtree lives on another server; pmbridge does not chase referrals, so
        // the read would be missing whoever is there.
        char** urls = nullptr;
        ldap_parse_reference(ld, message.get(), &urls, nullptr, 0);
        const std::string where = JoinUrls(urls);
        ldap_memvfree(reinterpret_cast<void**>(urls));
        return Status::Directory(what + " at " + connection.url() +
                                 " returned a continuation reference to " + where +
                                 ": part of the subtree is held by another server and would be "
                                 "missing from the read. Point base_dn at a server (or a Global "
                                 "Catalog) that holds all of it");
      }
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
      if (result.code == LDAP_REFERRAL || result.code == LDAP_PARTIAL_RESULTS) {
        return Status::Directory(what + " at " + connection.url() + " was referred to " +
                                 JoinUrls(result.referrals) +
                                 ": the base is held by another server. Point the URL at it");
      }
      if (result.code != LDAP_SUCCESS) {
        return connection.Failure(result.code, what + " failed",
                                  result.text != nullptr ? result.text : "");
      }
      if (!paged) return Status::Ok();

      LDAPControl* response =
          ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, result.controls, nullptr);
      if (response == nullptr) {
        return Status::Directory(what + " at " + connection.url() +
                                 " ended without the paged results response control: the "
                                 "server did not page, so the read may be incomplete");
      }
      cookie.Reset();
      ber_int_t estimate = 0;
      rc = ldap_parse_pageresponse_control(ld, response, &estimate, &cookie.value);
      if (rc != LDAP_SUCCESS) {
        return connection.Failure(rc, "cannot decode the paged results response of the " + what);
      }
      if (cookie.empty()) return Status::Ok();  // the last page
      break;
    }
  }
}

}  // namespace pmbridge
