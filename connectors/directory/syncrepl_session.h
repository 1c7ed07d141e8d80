// One RFC 4533 refreshAndPersist search on its own connection, through libldap's
// ldap_sync_* API: the users (users.base_dn, users.filter, the mapped attributes) or the
// groups (groups.base_dn, groups.filter, the member attribute and the anchor). It turns
// what the server sends into DirectoryEvents, and tracks the present set of a refresh and
// the session's cookie. Not thread-safe.
#pragma once

#include <ldap.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "bridge/clock.h"
#include "bridge/config/config.h"
#include "bridge/directory_follower.h"
#include "bridge/status.h"
#include "connectors/directory/ldap_connection.h"

namespace pmbridge {

class ReadWatchdog;

enum class SyncScope { kUsers, kGroups };

class SyncreplSession {
 public:
  // `config` and `clock` must outlive the session. Does not connect.
  SyncreplSession(SyncScope scope, const DirectoryConfig& config, const Clock& clock);
  ~SyncreplSession();
  SyncreplSession(const SyncreplSession&) = delete;
  SyncreplSession& operator=(const SyncreplSession&) = delete;

  // Closes any previous session, connects, binds and runs the refresh phase from `cookie`
  // (empty: from nothing). When the server will not resume from the cookie
  // (e-syncRefreshRequired, a cookie newer than its state, a cookie it ignores), the refresh
  // restarts once from nothing. On success the refresh's events, present set and warnings
  // wait in TakeEvents, TakePresent and TakeWarnings, and the session is in its persist
  // phase. Any failure (an error result, a size limit, the connection lost or silent for
  // config.timeout, an entry without its anchor) closes the session and keeps nothing.
  Status Refresh(std::string_view password, const std::string& cookie);

  // Processes, without waiting, what the server has sent during the persist phase, until
  // nothing is left or `max_events` more events wait. An error (the connection lost, the
  // search ended, an entry that cannot be converted) means the session is lost.
  Status Drain(std::size_t max_events);

  bool open() const { return connection_ != nullptr; }
  // The socket to wait on for more, or -1 when closed.
  int fd() const;
  // True when libldap holds received data it has not processed yet (a TLS record decrypted
  // ahead), which poll() on fd() would not report.
  bool HasBufferedInput() const;

  // The cookie as of the last message processed; empty before the server sent one.
  std::string_view cookie() const;

  bool has_events() const { return !events_.empty(); }
  std::vector<DirectoryEvent> TakeEvents();
  // The anchors of every entry in scope, set by a Refresh that started from nothing or
  // ended in present mode; nullopt otherwise (and after the first call).
  std::optional<std::unordered_set<std::string>> TakePresent();
  std::vector<std::string> TakeWarnings();

  // Abandons the search and disconnects. Idempotent.
  void Close();

 private:
  static int OnEntry(ldap_sync_t* ls, LDAPMessage* message, berval* uuid,
                     ldap_sync_refresh_t phase);
  static int OnReference(ldap_sync_t* ls, LDAPMessage* message);
  static int OnIntermediate(ldap_sync_t* ls, LDAPMessage* message, BerVarray uuids,
                            ldap_sync_refresh_t phase);
  static int OnResult(ldap_sync_t* ls, LDAPMessage* message, int refresh_deletes);

  void HandleEntry(LDAPMessage* message, const berval& uuid, ldap_sync_refresh_t phase);
  void HandleIntermediate(LDAPMessage* message, BerVarray uuids, ldap_sync_refresh_t phase);
  void HandleResult(LDAPMessage* message);
  // Counts a message; false when it must be ignored (an earlier error) or is unusable.
  bool Received(LDAPMessage* message);
  void Put(LDAPMessage* message, const std::string& anchor);
  void Gone(const std::string& anchor);
  // Keeps the first error; during a refresh also ends the stream, so that ldap_sync_init
  // (which ignores what an entry handler returns) stops reading.
  void Fail(Status status);

  Status RefreshOnce(const std::string& cookie, bool* refresh_required);
  void SetCookie(const std::string& cookie);
  void ResetRefreshState(bool from_nothing);
  Status Failure(int rc, const std::string& what);
  std::string Describe() const;

  const SyncScope scope_;
  const DirectoryConfig& config_;
  const Clock& clock_;
  std::vector<std::string> attribute_names_;
  std::vector<char*> attributes_;  // pointers into attribute_names_, null-terminated

  std::unique_ptr<LdapConnection> connection_;
  ldap_sync_t sync_{};
  bool sync_initialized_ = false;

  // State of the refresh phase.
  bool refreshing_ = false;
  bool from_nothing_ = false;
  bool present_phase_ended_ = false;  // a refreshPresent message closed a present phase
  bool refresh_done_ = false;
  std::unordered_set<std::string> present_;
  std::optional<std::unordered_set<std::string>> present_result_;
  ReadWatchdog* watchdog_ = nullptr;

  // Bytes libldap has read from the connection (an I/O layer counts them; see Drain).
  std::uint64_t bytes_read_ = 0;

  // Set by the handlers.
  std::uint64_t messages_ = 0;
  bool ended_ = false;  // the server sent SearchResultDone
  Status end_status_;
  Status error_;
  std::vector<DirectoryEvent> events_;
  std::vector<std::string> warnings_;
};

}  // namespace pmbridge
