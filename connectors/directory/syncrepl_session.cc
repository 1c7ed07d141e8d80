#include "connectors/directory/syncrepl_session.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <exception>
#include <utility>

#include "connectors/directory/group_entry.h"
#include "connectors/directory/ldap_entry.h"
#include "connectors/directory/read_watchdog.h"
#include "connectors/directory/sigpipe_guard.h"
#include "connectors/directory/sync_uuid.h"
#include "connectors/directory/user_entry.h"

namespace pmbridge {
namespace {

// TCP keepalive on a session's socket. A persist phase only reads, so a peer that vanished
// without a FIN or RST (a dropped network path, a crashed host) would otherwise never be
// noticed: probes after `timeout` of silence make the kernel report the connection dead.
// Failing to set them only delays that, so errors are ignored.
void EnableKeepalive(int fd, std::chrono::milliseconds timeout) {
  if (fd < 0) return;
  const long long seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
  const int idle = static_cast<int>(std::clamp<long long>(seconds, 1, 32767));
  const int interval = std::max(1, idle / 3);
  const int count = 3;
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

// A liblber I/O layer that only counts the bytes libldap reads from the connection, so
// that Drain can tell whether an ldap_sync_poll call took anything off the socket.
int CountReadsSetup(Sockbuf_IO_Desc* sbiod, void* counter) {
  sbiod->sbiod_pvt = counter;
  return 0;
}

int CountReadsCtrl(Sockbuf_IO_Desc* sbiod, int option, void* arg) {
  return LBER_SBIOD_CTRL_NEXT(sbiod, option, arg);
}

ber_slen_t CountReadsRead(Sockbuf_IO_Desc* sbiod, void* buffer, ber_len_t length) {
  const ber_slen_t got = LBER_SBIOD_READ_NEXT(sbiod, buffer, length);
  if (got > 0) *static_cast<std::uint64_t*>(sbiod->sbiod_pvt) += static_cast<std::uint64_t>(got);
  return got;
}

ber_slen_t CountReadsWrite(Sockbuf_IO_Desc* sbiod, void* buffer, ber_len_t length) {
  return LBER_SBIOD_WRITE_NEXT(sbiod, buffer, length);
}

Sockbuf_IO count_reads_io = {&CountReadsSetup, nullptr,          &CountReadsCtrl,
                             &CountReadsRead,  &CountReadsWrite, nullptr};

// The kind of an RFC 4533 syncInfo message: the tag of its choice (refreshDelete 0xa1,
// refreshPresent 0xa2, syncIdSet 0xa3, newcookie 0x80).
Result<ber_tag_t> SyncInfoTag(LDAP* ld, LDAPMessage* message) {
  char* oid = nullptr;
  berval* data = nullptr;
  const int rc = ldap_parse_intermediate(ld, message, &oid, &data, nullptr, 0);
  ber_tag_t tag = LBER_ERROR;
  if (rc == LDAP_SUCCESS && oid != nullptr && std::strcmp(oid, LDAP_SYNC_INFO) == 0 &&
      data != nullptr) {
    if (BerElement* ber = ber_init(data)) {
      ber_len_t length = 0;
      tag = ber_peek_tag(ber, &length);
      ber_free(ber, 1);
    }
  }
  ldap_memfree(oid);
  ber_bvfree(data);
  if (tag == LBER_ERROR) return Status::Directory("cannot decode a syncInfo message");
  return tag;
}

std::string_view View(const berval* value) {
  return value == nullptr || value->bv_val == nullptr
             ? std::string_view()
             : std::string_view(value->bv_val, static_cast<std::size_t>(value->bv_len));
}

// Runs a handler body: nothing may throw through libldap's C frames.
template <typename Handler>
void Guarded(Status* error, Handler handle) {
  try {
    handle();
  } catch (const std::exception& e) {
    if (error->ok()) *error = Status::Internal(std::string("handling a sync message: ") + e.what());
  } catch (...) {
    if (error->ok()) *error = Status::Internal("handling a sync message: unknown exception");
  }
}

}  // namespace

SyncreplSession::SyncreplSession(SyncScope scope, const DirectoryConfig& config, const Clock& clock)
    : scope_(scope),
      config_(config),
      clock_(clock),
      attribute_names_(scope == SyncScope::kUsers ? UserAttributesToRequest(config)
                                                  : GroupAttributesToRequest(config)) {
  for (std::string& name : attribute_names_) attributes_.push_back(name.data());
  attributes_.push_back(nullptr);
}

SyncreplSession::~SyncreplSession() { Close(); }

std::string SyncreplSession::Describe() const {
  return scope_ == SyncScope::kUsers ? "the users sync session (" + config_.users.base_dn +
                                           ", filter " + config_.users.filter + ")"
                                     : "the groups sync session (" + config_.groups.base_dn +
                                           ", filter " + config_.groups.filter + ")";
}

Status SyncreplSession::Refresh(std::string_view password, const std::string& cookie) {
  Close();
  Result<std::unique_ptr<LdapConnection>> connection = LdapConnection::Open(config_, password);
  if (!connection.ok()) return connection.status().WithContext("starting " + Describe());
  connection_ = std::move(connection).value();
  EnableKeepalive(fd(), config_.timeout);
  Sockbuf* sockbuf = nullptr;
  if (ldap_get_option(connection_->handle(), LDAP_OPT_SOCKBUF, &sockbuf) != LDAP_OPT_SUCCESS ||
      sockbuf == nullptr ||
      ber_sockbuf_add_io(sockbuf, &count_reads_io, LBER_SBIOD_LEVEL_APPLICATION, &bytes_read_) !=
          0) {
    Close();
    return Status::Internal("cannot watch the reads of " + Describe());
  }

  ldap_sync_initialize(&sync_);
  sync_initialized_ = true;
  const std::string& base =
      scope_ == SyncScope::kUsers ? config_.users.base_dn : config_.groups.base_dn;
  const std::string& filter =
      scope_ == SyncScope::kUsers ? config_.users.filter : config_.groups.filter;
  // Borrowed: Close() takes them back before ldap_sync_destroy would free them.
  sync_.ls_base = const_cast<char*>(base.c_str());
  sync_.ls_scope = LDAP_SCOPE_SUBTREE;
  sync_.ls_filter = const_cast<char*>(filter.c_str());
  sync_.ls_attrs = attributes_.data();
  sync_.ls_timelimit = 0;  // the persist phase lasts as long as the daemon follows
  sync_.ls_sizelimit = LDAP_NO_LIMIT;
  sync_.ls_timeout = 0;  // ldap_sync_poll never waits: Next polls the socket itself
  sync_.ls_search_entry = &SyncreplSession::OnEntry;
  sync_.ls_search_reference = &SyncreplSession::OnReference;
  sync_.ls_intermediate = &SyncreplSession::OnIntermediate;
  sync_.ls_search_result = &SyncreplSession::OnResult;
  sync_.ls_private = this;
  sync_.ls_ld = connection_->handle();

  bool refresh_required = false;
  Status status = RefreshOnce(cookie, &refresh_required);
  if (status.ok() && refresh_required) {
    // Read everything again; the present set then tells what left meanwhile.
    status = RefreshOnce("", &refresh_required);
  }
  if (!status.ok()) {
    Close();
    return status;
  }
  if (from_nothing_ || present_phase_ended_) {
    present_result_ = std::move(present_);
  }
  present_ = {};
  return Status::Ok();
}

void SyncreplSession::ResetRefreshState(bool from_nothing) {
  refreshing_ = true;
  from_nothing_ = from_nothing;
  present_phase_ended_ = false;
  refresh_done_ = false;
  present_.clear();
  present_result_.reset();
  ended_ = false;
  end_status_ = Status::Ok();
  error_ = Status::Ok();
  events_.clear();
  warnings_.clear();
}

void SyncreplSession::SetCookie(const std::string& cookie) {
  if (sync_.ls_cookie.bv_val != nullptr) ldap_memfree(sync_.ls_cookie.bv_val);
  sync_.ls_cookie = berval{};
  // Allocated by liblber: libldap replaces and frees it.
  if (!cookie.empty()) ber_str2bv(cookie.data(), cookie.size(), 1, &sync_.ls_cookie);
}

Status SyncreplSession::RefreshOnce(const std::string& cookie, bool* refresh_required) {
  *refresh_required = false;
  ResetRefreshState(cookie.empty());
  SetCookie(cookie);
  int rc = LDAP_OTHER;
  bool stalled = false;
  {
    SigpipeGuard no_sigpipe;
    ReadWatchdog watchdog(fd(), config_.timeout);
    watchdog_ = &watchdog;
    // Sends the search and runs the whole refresh phase, calling the handlers.
    rc = ldap_sync_init_refresh_and_persist(&sync_);
    watchdog_ = nullptr;
    stalled = watchdog.fired();
  }
  refreshing_ = false;
  const std::string what = "the refresh of " + Describe();
  if (!error_.ok()) return error_.WithContext(what);
  if (stalled) {
    return Status::Directory(what + " at " + config_.url + " received nothing for " +
                             std::to_string(config_.timeout.count()) + " ms and was abandoned. " +
                             "Check that the server is running and reachable");
  }
  // A cookie the server will not resume from: RFC 4533 e-syncRefreshRequired, or slapd's
  // unwillingToPerform for a cookie newer than its own state (a directory restored from a
  // backup).
  if (!cookie.empty() && (rc == LDAP_SYNC_REFRESH_REQUIRED || rc == LDAP_UNWILLING_TO_PERFORM)) {
    *refresh_required = true;
    return Status::Ok();
  }
  if (rc != LDAP_SUCCESS) return Failure(rc, what + " failed");
  if (ended_) return end_status_.WithContext(what);
  if (!refresh_done_) {
    return Status::Directory(what + " at " + config_.url +
                             " ended before the server said the refresh was done");
  }
  // slapd ignores a cookie it cannot parse: it sends every entry as an add and ends in delete
  // mode without a cookie, so departures since the cookie would go unseen.
  if (!cookie.empty() && this->cookie().empty()) *refresh_required = true;
  return Status::Ok();
}

Status SyncreplSession::Drain(std::size_t max_events) {
  if (!open()) return Status::Internal(Describe() + " is not running");
  const std::size_t limit = events_.size() + max_events;
  std::string cookie_before;
  for (;;) {
    const std::uint64_t seen = messages_;
    const std::uint64_t read_before = bytes_read_;
    cookie_before.assign(cookie());
    // ls_timeout is 0: handles at most what has arrived, never waits.
    const int rc = ldap_sync_poll(&sync_);
    if (!error_.ok()) return error_.WithContext(Describe());
    if (ended_) return end_status_;
    if (rc != LDAP_SUCCESS) return Failure(rc, Describe() + " was lost");
    // A newcookie message reaches no handler; only the cookie shows it was there.
    if (messages_ == seen && cookie() == cookie_before) {
      // libldap 2.5 reads a message off the socket, then finds its zero timeout spent: the
      // message stays queued inside libldap, where poll() on the socket cannot see it, and
      // the next call hands it over. So a call that handled nothing but read something is
      // followed by another. Only a call that read nothing proves that nothing is left
      // behind; whatever arrives after it waits on the socket. (Two empty calls in a row
      // prove nothing: a message arriving between them is read and queued by the second.)
      if (bytes_read_ == read_before) return Status::Ok();
      continue;
    }
    if (events_.size() >= limit) return Status::Ok();
  }
}

Status SyncreplSession::Failure(int rc, const std::string& what) {
  int code = rc;
  if (rc < 0 &&
      (ldap_get_option(connection_->handle(), LDAP_OPT_RESULT_CODE, &code) != LDAP_OPT_SUCCESS ||
       code == LDAP_SUCCESS)) {
    code = LDAP_SERVER_DOWN;
  }
  Status status = connection_->Failure(code, what);
  if (code == LDAP_SIZELIMIT_EXCEEDED) {
    return Status::Directory(status.message() + ". A sync search is not paged: the bind account " +
                             "needs an unlimited size limit (slapd: limits dn.exact=\"" +
                             config_.bind_dn + "\" size=unlimited)");
  }
  return status;
}

int SyncreplSession::fd() const {
  if (connection_ == nullptr) return -1;
  int fd = -1;
  if (ldap_get_option(connection_->handle(), LDAP_OPT_DESC, &fd) != LDAP_OPT_SUCCESS) return -1;
  return fd;
}

bool SyncreplSession::HasBufferedInput() const {
  if (connection_ == nullptr) return false;
  Sockbuf* sockbuf = nullptr;
  if (ldap_get_option(connection_->handle(), LDAP_OPT_SOCKBUF, &sockbuf) != LDAP_OPT_SUCCESS ||
      sockbuf == nullptr) {
    return false;
  }
  return ber_sockbuf_ctrl(sockbuf, LBER_SB_OPT_DATA_READY, nullptr) > 0;
}

std::string_view SyncreplSession::cookie() const {
  return sync_initialized_ ? View(&sync_.ls_cookie) : std::string_view();
}

std::vector<DirectoryEvent> SyncreplSession::TakeEvents() { return std::exchange(events_, {}); }

std::optional<std::unordered_set<std::string>> SyncreplSession::TakePresent() {
  return std::exchange(present_result_, std::nullopt);
}

std::vector<std::string> SyncreplSession::TakeWarnings() { return std::exchange(warnings_, {}); }

void SyncreplSession::Close() {
  if (sync_initialized_) {
    // ldap_sync_destroy frees ls_base, ls_filter and ls_attrs and unbinds ls_ld; here they
    // belong to this object and to connection_ (which unbinds below), so it is left only
    // the cookie to free.
    sync_.ls_base = nullptr;
    sync_.ls_filter = nullptr;
    sync_.ls_attrs = nullptr;
    sync_.ls_ld = nullptr;
    ldap_sync_destroy(&sync_, 0);
    sync_ = ldap_sync_t{};
    sync_initialized_ = false;
  }
  connection_.reset();
  refreshing_ = false;
  present_.clear();
  present_result_.reset();
  events_.clear();
  warnings_.clear();
}

// The handlers. libldap calls them from ldap_sync_init and ldap_sync_poll; nothing may
// throw through its C frames, and it ignores what an entry handler returns, so errors are
// kept in error_ and read once the libldap call returns.

int SyncreplSession::OnEntry(ldap_sync_t* ls, LDAPMessage* message, berval* uuid,
                             ldap_sync_refresh_t phase) {
  auto* self = static_cast<SyncreplSession*>(ls->ls_private);
  Guarded(&self->error_, [&] { self->HandleEntry(message, *uuid, phase); });
  return LDAP_SUCCESS;
}

int SyncreplSession::OnReference(ldap_sync_t* ls, LDAPMessage* message) {
  auto* self = static_cast<SyncreplSession*>(ls->ls_private);
  Guarded(&self->error_, [&] {
    if (!self->Received(message)) return;
    self->Fail(Status::Directory(
        self->Describe() + " at " + self->config_.url +
        " returned a continuation reference: part of the subtree is held by another server "
        "and would be missing. Point base_dn at a server that holds all of it"));
  });
  return LDAP_SUCCESS;
}

int SyncreplSession::OnIntermediate(ldap_sync_t* ls, LDAPMessage* message, BerVarray uuids,
                                    ldap_sync_refresh_t phase) {
  auto* self = static_cast<SyncreplSession*>(ls->ls_private);
  Guarded(&self->error_, [&] { self->HandleIntermediate(message, uuids, phase); });
  return LDAP_SUCCESS;
}

int SyncreplSession::OnResult(ldap_sync_t* ls, LDAPMessage* message, int /*refresh_deletes*/) {
  auto* self = static_cast<SyncreplSession*>(ls->ls_private);
  Guarded(&self->error_, [&] { self->HandleResult(message); });
  return LDAP_SUCCESS;
}

bool SyncreplSession::Received(LDAPMessage* message) {
  ++messages_;
  if (watchdog_ != nullptr) watchdog_->Progress();
  if (!error_.ok()) return false;
  // libldap 2.5's ldap_sync_init and ldap_sync_poll take every message ldap_result returns
  // at once but pass each handler the first of them, not the one being handled, and drop
  // the rest after a refreshDone. ldap_result returns one message at a time unless several
  // already sat decoded in libldap's buffer; should that happen, the messages after the
  // first would be lost or seen twice, so the session fails and is started again instead.
  if (ldap_next_message(connection_->handle(), message) != nullptr) {
    Fail(Status::Directory(Describe() + " at " + config_.url +
                           ": libldap delivered several sync messages at once, which its "
                           "ldap_sync API cannot hand over one by one; restarting the session"));
    return false;
  }
  return true;
}

void SyncreplSession::Fail(Status status) {
  if (!error_.ok()) return;
  error_ = std::move(status);
  if (refreshing_) {
    const int socket = fd();
    if (socket >= 0) ::shutdown(socket, SHUT_RDWR);
  }
}

void SyncreplSession::HandleEntry(LDAPMessage* message, const berval& uuid,
                                  ldap_sync_refresh_t phase) {
  if (!Received(message)) return;
  Result<std::string> anchor = FormatSyncUuid(View(&uuid));
  if (!anchor.ok()) {
    Fail(anchor.status().WithContext(Describe()));
    return;
  }
  switch (phase) {
    case LDAP_SYNC_CAPI_PRESENT:
      // An entry unchanged since the cookie, named by DN only. Only a refresh sends these.
      if (refreshing_) present_.insert(std::move(anchor).value());
      return;
    case LDAP_SYNC_CAPI_ADD:
    case LDAP_SYNC_CAPI_MODIFY:
      // syncprov sends the whole entry, with the requested attributes.
      Put(message, *anchor);
      return;
    case LDAP_SYNC_CAPI_DELETE:
      // Deleted, or no longer in scope (moved out of the base, no longer matching the
      // filter): only the entryUUID is reliable.
      Gone(*anchor);
      return;
    default:
      Fail(Status::Directory(Describe() + ": an entry with unknown sync state " +
                             std::to_string(static_cast<int>(phase))));
      return;
  }
}

void SyncreplSession::Put(LDAPMessage* message, const std::string& anchor) {
  LdapEntry entry(connection_->handle(), message);
  if (!entry.status().ok()) {
    Fail(entry.status().WithContext(Describe()));
    return;
  }
  DirectoryEvent event;
  event.received = std::chrono::steady_clock::now();
  const std::string* parsed_anchor = nullptr;
  std::string dn;
  if (scope_ == SyncScope::kUsers) {
    Result<DirectoryUser> user = ParseUserEntry(entry, config_, clock_.Now(), &warnings_);
    if (!user.ok()) {
      Fail(user.status());
      return;
    }
    event.kind = DirectoryEvent::Kind::kUserPut;
    event.user = std::move(user).value();
    parsed_anchor = &event.user.anchor;
    dn = "user " + event.user.dn;
  } else {
    Result<ParsedGroup> group = ParseGroupEntry(entry, config_, &warnings_);
    if (!group.ok()) {
      Fail(group.status());
      return;
    }
    if (group->more_members) {
      Fail(Status::Directory("group " + group->group.dn + " at " + config_.url +
                             ": the server returned its member attribute in slices (ranged "
                             "retrieval), which a sync session cannot complete"));
      return;
    }
    event.kind = DirectoryEvent::Kind::kGroupPut;
    event.group = std::move(group->group);
    parsed_anchor = &event.group.anchor;
    dn = "group " + event.group.dn;
  }
  // Deletes name entries by syncUUID only, so a Put must carry the same anchor.
  if (*parsed_anchor != anchor) {
    Fail(Status::Directory(dn + " at " + config_.url + ": its " + config_.users.attributes.anchor +
                           " '" + *parsed_anchor + "' differs from its syncUUID '" + anchor +
                           "'; syncrepl needs the anchor to be entryUUID"));
    return;
  }
  if (refreshing_) present_.insert(anchor);
  events_.push_back(std::move(event));
}

void SyncreplSession::Gone(const std::string& anchor) {
  DirectoryEvent event;
  event.received = std::chrono::steady_clock::now();
  event.kind = scope_ == SyncScope::kUsers ? DirectoryEvent::Kind::kUserGone
                                           : DirectoryEvent::Kind::kGroupGone;
  event.anchor = anchor;
  if (refreshing_) present_.erase(anchor);
  events_.push_back(std::move(event));
}

void SyncreplSession::HandleIntermediate(LDAPMessage* message, BerVarray uuids,
                                         ldap_sync_refresh_t phase) {
  if (!Received(message)) return;
  switch (phase) {
    case LDAP_SYNC_CAPI_PRESENTS_IDSET:
    case LDAP_SYNC_CAPI_DELETES_IDSET: {
      // syncIdSet: unchanged entries of a present phase (resuming without a sessionlog, in
      // batches of 256), or, with refreshDeletes TRUE, explicit deletes (slapd with a
      // sessionlog).
      const bool deletes = phase == LDAP_SYNC_CAPI_DELETES_IDSET;
      if (!deletes && !refreshing_) return;
      for (BerVarray u = uuids; u != nullptr && u->bv_val != nullptr; ++u) {
        Result<std::string> anchor = FormatSyncUuid(View(u));
        if (!anchor.ok()) {
          Fail(anchor.status().WithContext(Describe()));
          return;
        }
        if (deletes) {
          Gone(*anchor);
        } else {
          present_.insert(std::move(anchor).value());
        }
      }
      return;
    }
    case LDAP_SYNC_CAPI_PRESENTS:
    case LDAP_SYNC_CAPI_DELETES:
    case LDAP_SYNC_CAPI_DONE: {
      // The end of a refresh phase. libldap reports the last one as DONE whichever it was,
      // so the message itself says whether the refresh ended in present mode (entries not
      // named are gone) or delete mode (only explicit deletes).
      Result<ber_tag_t> tag = SyncInfoTag(connection_->handle(), message);
      if (!tag.ok()) {
        Fail(tag.status().WithContext(Describe()));
        return;
      }
      if (!refreshing_) {
        Fail(Status::Directory(Describe() + " at " + config_.url +
                               ": the server sent a refresh message during the persist phase"));
        return;
      }
      if (*tag == LDAP_TAG_SYNC_REFRESH_PRESENT) {
        present_phase_ended_ = true;
      } else if (*tag != LDAP_TAG_SYNC_REFRESH_DELETE) {
        Fail(Status::Directory(Describe() + ": unexpected syncInfo message (tag " +
                               std::to_string(*tag) + ")"));
        return;
      }
      if (phase == LDAP_SYNC_CAPI_DONE) refresh_done_ = true;
      return;
    }
    default:
      Fail(Status::Directory(Describe() + ": unexpected sync phase " +
                             std::to_string(static_cast<int>(phase))));
      return;
  }
}

void SyncreplSession::HandleResult(LDAPMessage* message) {
  ++messages_;
  if (watchdog_ != nullptr) watchdog_->Progress();
  ended_ = true;
  int code = LDAP_OTHER;
  char* text = nullptr;
  ldap_parse_result(connection_->handle(), message, &code, nullptr, &text, nullptr, nullptr, 0);
  std::string message_text = Describe() + " at " + config_.url +
                             " was ended by the server: " + ldap_err2string(code) + " (" +
                             std::to_string(code) + ")";
  if (text != nullptr && *text != '\0') message_text += std::string(": ") + text;
  ldap_memfree(text);
  if (code == LDAP_SYNC_REFRESH_REQUIRED) {
    message_text += ". The session must be started again; it will refresh from nothing";
  }
  end_status_ = Status::Directory(std::move(message_text));
}

}  // namespace pmbridge
