// One bound connection to the directory: the LDAP* handle and what was asked of it.
#pragma once

#include <ldap.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "bridge/config/config.h"
#include "bridge/status.h"

namespace pmbridge {

class LdapConnection {
 public:
  // Connects to config.url and binds: LDAPv3, referrals not chased, the network and
  // operation timeouts set to config.timeout, TLS (ldaps:// or start_tls) verifying the
  // server certificate against config.tls_ca_file (the system store when empty), then a
  // simple bind as config.bind_dn (anonymous when empty). Does not apply the bind policy;
  // callers check CheckBindPolicy first.
  static Result<std::unique_ptr<LdapConnection>> Open(const DirectoryConfig& config,
                                                      std::string_view password);

  ~LdapConnection();
  LdapConnection(const LdapConnection&) = delete;
  LdapConnection& operator=(const LdapConnection&) = delete;

  LDAP* handle() const { return ld_; }
  const std::string& url() const { return url_; }
  std::chrono::milliseconds timeout() const { return timeout_; }

  // A kDirectory Status for libldap result `rc` of `what` (see LdapFailure). Marks the
  // connection broken when `rc` means the connection is unusable.
  Status Failure(int rc, std::string_view what, std::string_view server_text = {});

  // True after a failure that left the connection unusable; the owner reconnects.
  bool broken() const { return broken_; }

  // From now on reads the socket kReadAheadBytes at a time. libldap otherwise reads each
  // message with two read(2) calls, its header then its body, and polls before each: three
  // system calls per entry, 300,000 for a 100k-person read. Only for connections whose
  // messages are taken one at a time (LDAP_MSG_ONE): with several messages buffered,
  // ldap_result(LDAP_MSG_RECEIVED) returns them all at once, which libldap's ldap_sync API
  // (the syncrepl follower) cannot hand over.
  Status ReadAhead();
  static constexpr int kReadAheadBytes = 64 * 1024;

 private:
  LdapConnection(LDAP* ld, std::string url, std::chrono::milliseconds timeout)
      : ld_(ld), url_(std::move(url)), timeout_(timeout) {}

  Status SetUpTls(const DirectoryConfig& config);
  Status OptionFailure(const std::string& what);

  LDAP* ld_;
  std::string url_;
  std::chrono::milliseconds timeout_;
  bool broken_ = false;
};

// `d` as a struct timeval, at least 1 ms (libldap treats a zero timeval as "poll").
timeval ToTimeval(std::chrono::milliseconds d);

}  // namespace pmbridge
