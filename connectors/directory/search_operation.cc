#include "connectors/directory/search_operation.h"

#include <memory>
#include <utility>

#include "connectors/directory/sigpipe_guard.h"

namespace pmbridge {
namespace {

struct MessageDeleter {
  void operator()(LDAPMessage* m) const { ldap_msgfree(m); }
};
using MessagePtr = std::unique_ptr<LDAPMessage, MessageDeleter>;

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

std::string JoinUrls(char** urls) {
  std::string out;
  for (char** u = urls; u != nullptr && *u != nullptr; ++u) {
    if (!out.empty()) out += ' ';
    out += *u;
  }
  return out.empty() ? "(no URL given)" : out;
}

}  // namespace

AttributeNames::AttributeNames(const std::vector<std::string>& names) {
  static char kNoAttributes[] = "1.1";
  pointers_.reserve(names.size() + 1);
  if (names.empty()) pointers_.push_back(kNoAttributes);
  for (const std::string& name : names) pointers_.push_back(const_cast<char*>(name.c_str()));
  pointers_.push_back(nullptr);
}

SearchResult::SearchResult(SearchResult&& other) noexcept { *this = std::move(other); }

SearchResult& SearchResult::operator=(SearchResult&& other) noexcept {
  if (this != &other) {
    Release();
    code_ = std::exchange(other.code_, LDAP_SUCCESS);
    matched_dn_ = std::exchange(other.matched_dn_, nullptr);
    text_ = std::exchange(other.text_, nullptr);
    referrals_ = std::exchange(other.referrals_, nullptr);
    controls_ = std::exchange(other.controls_, nullptr);
  }
  return *this;
}

SearchResult::~SearchResult() { Release(); }

void SearchResult::Release() {
  ldap_memfree(matched_dn_);
  ldap_memfree(text_);
  ldap_memvfree(reinterpret_cast<void**>(referrals_));
  ldap_controls_free(controls_);
  matched_dn_ = text_ = nullptr;
  referrals_ = nullptr;
  controls_ = nullptr;
}

std::string SearchResult::Referrals() const { return JoinUrls(referrals_); }

LDAPControl* SearchResult::Control(const char* oid) const {
  return ldap_control_find(oid, controls_, nullptr);
}

Result<SearchResult> RunSearchOperation(LdapConnection& connection,
                                        const SearchOperation& operation,
                                        const EntryHandler& on_entry) {
  SigpipeGuard no_sigpipe;
  LDAP* ld = connection.handle();
  const std::string what(operation.what);
  // The timeval is also sent as the server-side time limit (whole seconds, at least 1).
  timeval timeout = ToTimeval(connection.timeout());
  int msgid = -1;
  int rc =
      ldap_search_ext(ld, operation.base, operation.scope, operation.filter, operation.attributes,
                      0, operation.controls, nullptr, &timeout, LDAP_NO_LIMIT, &msgid);
  if (rc != LDAP_SUCCESS) return connection.Failure(rc, "cannot send the " + what);
  PendingSearch pending(ld, msgid);
  if (operation.sent != nullptr) (*operation.sent)();

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
      if (operation.references == ContinuationReferences::kSkip) continue;
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
                               " returned an unexpected message (type " + std::to_string(rc) + ")");
    }

    pending.Completed();
    SearchResult result;
    rc = ldap_parse_result(ld, message.get(), &result.code_, &result.matched_dn_, &result.text_,
                           &result.referrals_, &result.controls_, 0);
    if (rc != LDAP_SUCCESS) {
      return connection.Failure(rc, "cannot decode the result of the " + what);
    }
    return result;
  }
}

Status ReadObject(LdapConnection& connection, const std::string& base, const std::string& filter,
                  const std::vector<std::string>& attributes, const EntryHandler& on_entry) {
  AttributeNames names(attributes);
  const std::string what = "read of " + base + " (base, filter " + filter + ")";
  SearchOperation operation;
  operation.what = what;
  operation.base = base.c_str();
  operation.scope = LDAP_SCOPE_BASE;
  operation.filter = filter.c_str();
  operation.attributes = names.get();
  Result<SearchResult> result = RunSearchOperation(connection, operation, on_entry);
  if (!result.ok()) return result.status();
  if (result->code() == LDAP_SUCCESS || result->code() == LDAP_NO_SUCH_OBJECT) {
    return Status::Ok();
  }
  return connection.Failure(result->code(), what + " failed", result->text());
}

}  // namespace pmbridge
