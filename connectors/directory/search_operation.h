// One LDAP search operation, from sending it to its final result: the part that a paged
// search (each page), a DirSync round (each request) and a base read share. Entries go to
// the caller as they arrive; continuation references are refused or skipped; the final
// result comes back decoded, for the caller to judge its code and response controls.
#pragma once

#include <ldap.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/status.h"
#include "connectors/directory/ldap_connection.h"
#include "connectors/directory/ldap_entry.h"

namespace pmbridge {

// Called for each entry; a non-OK Status stops the search and is returned.
using EntryHandler = std::function<Status(LdapEntry& entry)>;

// The attribute list of a search as libldap takes it: exactly `names`, or "1.1" (no
// attributes) when empty. Views the strings of `names`, which must outlive it.
class AttributeNames {
 public:
  explicit AttributeNames(const std::vector<std::string>& names);
  char** get() { return pointers_.data(); }

 private:
  std::vector<char*> pointers_;
};

// What a search continuation reference (part of the subtree held elsewhere) does.
enum class ContinuationReferences {
  kRefuse,  // the search fails: a read would be missing whoever is there
  kSkip,    // ignored: the caller covers one naming context only
};

struct SearchOperation {
  std::string_view what;  // "search of ou=people,... (subtree, filter ...)", for messages
  const char* base = "";
  int scope = LDAP_SCOPE_SUBTREE;
  const char* filter = "(objectClass=*)";
  char** attributes = nullptr;       // AttributeNames::get()
  LDAPControl** controls = nullptr;  // null-terminated server controls, or nullptr
  ContinuationReferences references = ContinuationReferences::kRefuse;
  // Called once the request has gone out, before its answer is waited for; or nullptr.
  const std::function<void()>* sent = nullptr;
};

// The final message of a search, decoded. Owns what libldap allocated for it.
class SearchResult {
 public:
  SearchResult() = default;
  SearchResult(SearchResult&& other) noexcept;
  SearchResult& operator=(SearchResult&& other) noexcept;
  SearchResult(const SearchResult&) = delete;
  SearchResult& operator=(const SearchResult&) = delete;
  ~SearchResult();

  int code() const { return code_; }
  // The server's diagnostic message; empty when it gave none.
  std::string_view text() const { return text_ != nullptr ? text_ : ""; }
  // The referral URLs, space-separated; "(no URL given)" when there are none.
  std::string Referrals() const;
  // The response control `oid`, or nullptr.
  LDAPControl* Control(const char* oid) const;

 private:
  friend Result<SearchResult> RunSearchOperation(LdapConnection&, const SearchOperation&,
                                                 const EntryHandler&);
  void Release();

  int code_ = LDAP_SUCCESS;
  char* matched_dn_ = nullptr;
  char* text_ = nullptr;
  char** referrals_ = nullptr;
  LDAPControl** controls_ = nullptr;
};

// Sends `operation` and reads it to its final result, calling `on_entry` for each entry.
// An operation that does not complete (an error below, or `on_entry` failing) is
// abandoned. Errors: the request cannot be sent; no message within the connection's
// timeout; a refused continuation reference; an unexpected message; a final result that
// cannot be decoded. Any result code comes back as the result's code().
Result<SearchResult> RunSearchOperation(LdapConnection& connection,
                                        const SearchOperation& operation,
                                        const EntryHandler& on_entry);

// One base-scope search of `base` with `filter` (attributes exactly `attributes`), calling
// `on_entry` for the object if it matches. An object that does not match, or does not
// exist (noSuchObject), is no call and no error; any other result code is an error.
Status ReadObject(LdapConnection& connection, const std::string& base, const std::string& filter,
                  const std::vector<std::string>& attributes, const EntryHandler& on_entry);

}  // namespace pmbridge
