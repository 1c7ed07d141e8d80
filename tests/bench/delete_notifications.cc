#include "tests/bench/delete_notifications.h"

#include <lber.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace pmbridge::bench {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The sync request control asking for refreshAndPersist from nothing (no cookie).
LDAPControl* SyncRequest() {
  BerElement* ber = ber_alloc_t(LBER_USE_DER);
  if (ber == nullptr) throw std::runtime_error("ber_alloc_t failed");
  berval value{};
  const bool encoded =
      ber_printf(ber, "{e}", static_cast<ber_int_t>(LDAP_SYNC_REFRESH_AND_PERSIST)) >= 0 &&
      ber_flatten2(ber, &value, 1) >= 0;
  ber_free(ber, 1);
  if (!encoded) throw std::runtime_error("cannot encode the sync request control");
  LDAPControl* control = nullptr;
  const int rc = ldap_control_create(LDAP_CONTROL_SYNC, 1, &value, 1, &control);
  ber_memfree(value.bv_val);
  if (rc != LDAP_SUCCESS) throw std::runtime_error("ldap_control_create failed");
  return control;
}

// The state of the entry's sync state control (RFC 4533 section 2.3), or -1 without one.
int SyncState(LDAP* ld, LDAPMessage* entry) {
  LDAPControl** controls = nullptr;
  if (ldap_get_entry_controls(ld, entry, &controls) != LDAP_SUCCESS || controls == nullptr) {
    return -1;
  }
  int state = -1;
  if (LDAPControl* c = ldap_control_find(LDAP_CONTROL_SYNC_STATE, controls, nullptr)) {
    if (BerElement* ber = ber_init(&c->ldctl_value)) {
      ber_int_t value = 0;
      if (ber_scanf(ber, "{e", &value) != LBER_ERROR) state = value;
      ber_free(ber, 1);
    }
  }
  ldap_controls_free(controls);
  return state;
}

}  // namespace

DeleteNotifications::DeleteNotifications(const std::string& url, const std::string& bind_dn,
                                         const std::string& password, const std::string& base_dn)
    : ld_(Bind(url, bind_dn, password)) {
  LDAPControl* request = SyncRequest();
  LDAPControl* controls[] = {request, nullptr};
  char no_attributes[] = "1.1";  // a delete notification carries none anyway
  char* attributes[] = {no_attributes, nullptr};
  const int rc = ldap_search_ext(ld_.get(), base_dn.c_str(), LDAP_SCOPE_SUBTREE, "(objectClass=*)",
                                 attributes, 0, controls, nullptr, nullptr, LDAP_NO_LIMIT, &msgid_);
  ldap_control_free(request);
  if (rc != LDAP_SUCCESS) {
    throw std::runtime_error("syncrepl search on " + base_dn + ": " + ldap_err2string(rc));
  }
  reader_ = std::thread([this] { Read(); });
  std::unique_lock<std::mutex> lock(mutex_);
  if (!changed_.wait_for(lock, std::chrono::seconds(60),
                         [this] { return refreshed_ || !error_.empty(); })) {
    error_ = "the refresh phase did not end within 60 s";
  }
  if (!error_.empty()) {
    const std::string why = error_;
    lock.unlock();
    stop_ = true;
    reader_.join();
    throw std::runtime_error("syncrepl consumer: " + why);
  }
}

DeleteNotifications::~DeleteNotifications() {
  stop_ = true;
  if (reader_.joinable()) reader_.join();
  if (msgid_ >= 0) ldap_abandon_ext(ld_.get(), msgid_, nullptr, nullptr);
}

void DeleteNotifications::Fail(const std::string& why) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (error_.empty()) error_ = why;
  changed_.notify_all();
}

void DeleteNotifications::Read() {
  while (!stop_) {
    // Short timeouts only so that the destructor is not kept waiting; ldap_result returns
    // as soon as a message is in.
    timeval wait{0, 100000};
    LDAPMessage* message = nullptr;
    const int type = ldap_result(ld_.get(), msgid_, LDAP_MSG_ONE, &wait, &message);
    const Clock::time_point arrived = Clock::now();
    if (type == 0) continue;
    if (type < 0) {
      int code = LDAP_OTHER;
      ldap_get_option(ld_.get(), LDAP_OPT_RESULT_CODE, &code);
      Fail(std::string("connection lost: ") + ldap_err2string(code));
      return;
    }
    switch (type) {
      case LDAP_RES_SEARCH_ENTRY:
        if (SyncState(ld_.get(), message) == LDAP_SYNC_DELETE) {
          char* dn = ldap_get_dn(ld_.get(), message);
          if (dn != nullptr) {
            std::lock_guard<std::mutex> lock(mutex_);
            deleted_.emplace(Lower(dn), arrived);
            ldap_memfree(dn);
            changed_.notify_all();
          }
        }
        break;
      case LDAP_RES_INTERMEDIATE: {
        // slapd ends the refresh phase of a refreshAndPersist search with a Sync Info
        // message (refreshDone); later ones only carry new cookies.
        std::lock_guard<std::mutex> lock(mutex_);
        refreshed_ = true;
        changed_.notify_all();
        break;
      }
      case LDAP_RES_SEARCH_RESULT: {
        int code = LDAP_OTHER;
        ldap_parse_result(ld_.get(), message, &code, nullptr, nullptr, nullptr, nullptr, 0);
        ldap_msgfree(message);
        Fail(std::string("the server ended the search: ") + ldap_err2string(code));
        return;
      }
      default:
        break;
    }
    ldap_msgfree(message);
  }
}

std::optional<DeleteNotifications::Clock::time_point> DeleteNotifications::WaitFor(
    const std::string& dn, std::chrono::milliseconds timeout) {
  const std::string key = Lower(dn);
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return deleted_.count(key) != 0 || !error_.empty(); });
  const auto it = deleted_.find(key);
  if (it == deleted_.end()) return std::nullopt;
  return it->second;
}

std::string DeleteNotifications::error() {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

}  // namespace pmbridge::bench
