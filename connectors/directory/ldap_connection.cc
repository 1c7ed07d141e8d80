#include "connectors/directory/ldap_connection.h"

#include <algorithm>

#include "connectors/directory/ascii.h"
#include "connectors/directory/ldap_error.h"
#include "connectors/directory/sigpipe_guard.h"

namespace pmbridge {
namespace {

// True when `urls` (one URL or a list) names an ldaps:// server.
bool NamesLdapsServer(std::string_view urls) {
  constexpr std::string_view kScheme = "ldaps://";
  for (std::size_t i = 0; i + kScheme.size() <= urls.size(); ++i) {
    if (EqualsIgnoreAsciiCase(urls.substr(i, kScheme.size()), kScheme)) return true;
  }
  return false;
}

}  // namespace

timeval ToTimeval(std::chrono::milliseconds d) {
  const long long ms = std::max<long long>(d.count(), 1);
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms % 1000) * 1000);
  return tv;
}

Result<std::unique_ptr<LdapConnection>> LdapConnection::Open(const DirectoryConfig& config,
                                                             std::string_view password) {
  SigpipeGuard no_sigpipe;
  LDAP* ld = nullptr;
  int rc = ldap_initialize(&ld, config.url.c_str());
  if (rc != LDAP_SUCCESS) {
    return LdapFailure(nullptr, rc, "cannot use the directory URL", config.url);
  }
  // From here on the handle is owned (and unbound on every path) by `connection`.
  std::unique_ptr<LdapConnection> connection(new LdapConnection(ld, config.url, config.timeout));

  const int version = LDAP_VERSION3;
  const timeval timeout = ToTimeval(config.timeout);
  const auto user_timeout_ms =
      static_cast<unsigned int>(std::max<long long>(config.timeout.count(), 1));
  struct Option {
    int option;
    const void* value;
    const char* name;
  };
  // Referrals are not chased: a referral is part of the subtree we cannot read with these
  // credentials, and the search reports it as an error instead. LDAP_OPT_RESTART keeps a
  // signal arriving in the daemon from failing a read with EINTR. LDAP_OPT_CONNECT_ASYNC:
  // libldap 2.5 bounds the TLS handshake of ldaps:// by the network timeout only for
  // asynchronous connects; a synchronous connect with a network timeout spins on a
  // non-blocking socket forever when the server never answers the handshake.
  const Option options[] = {
      {LDAP_OPT_PROTOCOL_VERSION, &version, "LDAP_OPT_PROTOCOL_VERSION"},
      {LDAP_OPT_REFERRALS, LDAP_OPT_OFF, "LDAP_OPT_REFERRALS"},
      {LDAP_OPT_RESTART, LDAP_OPT_ON, "LDAP_OPT_RESTART"},
      {LDAP_OPT_CONNECT_ASYNC, LDAP_OPT_ON, "LDAP_OPT_CONNECT_ASYNC"},
      {LDAP_OPT_NETWORK_TIMEOUT, &timeout, "LDAP_OPT_NETWORK_TIMEOUT"},
      {LDAP_OPT_TIMEOUT, &timeout, "LDAP_OPT_TIMEOUT"},
      {LDAP_OPT_TCP_USER_TIMEOUT, &user_timeout_ms, "LDAP_OPT_TCP_USER_TIMEOUT"},
  };
  for (const Option& o : options) {
    if (ldap_set_option(ld, o.option, o.value) != LDAP_OPT_SUCCESS) {
      return connection->OptionFailure(std::string("cannot set ") + o.name);
    }
  }

  if (config.start_tls || NamesLdapsServer(config.url)) {
    PMB_RETURN_IF_ERROR(connection->SetUpTls(config));
  }
  if (config.start_tls) {
    rc = ldap_start_tls_s(ld, nullptr, nullptr);
    if (rc != LDAP_SUCCESS) return connection->Failure(rc, "StartTLS failed");
  }

  berval credentials{};
  credentials.bv_val = const_cast<char*>(password.data());
  credentials.bv_len = password.size();
  const char* dn = config.bind_dn.empty() ? nullptr : config.bind_dn.c_str();
  rc = ldap_sasl_bind_s(ld, dn, LDAP_SASL_SIMPLE, &credentials, nullptr, nullptr, nullptr);
  if (rc != LDAP_SUCCESS) {
    return connection->Failure(rc, config.bind_dn.empty()
                                       ? std::string("anonymous bind failed")
                                       : "bind as " + config.bind_dn + " failed");
  }
  return connection;
}

LdapConnection::~LdapConnection() {
  SigpipeGuard no_sigpipe;  // the unbind request goes to a server that may be gone
  ldap_unbind_ext(ld_, nullptr, nullptr);
}

Status LdapConnection::Failure(int rc, std::string_view what, std::string_view server_text) {
  if (IsConnectionFailure(rc)) broken_ = true;
  return LdapFailure(ld_, rc, what, url_, server_text);
}

Status LdapConnection::ReadAhead() {
  // Added after the bind, when nothing is left unread on the socket, and under whatever
  // else the connection stacks (TLS). Messages it holds are "data ready" to ldap_result,
  // which then takes them without a poll.
  Sockbuf* sockbuf = nullptr;
  if (ldap_get_option(ld_, LDAP_OPT_SOCKBUF, &sockbuf) != LDAP_OPT_SUCCESS || sockbuf == nullptr) {
    return OptionFailure("cannot reach the connection's socket buffer");
  }
  int size = kReadAheadBytes;  // the layer's setup reads its argument as an int
  if (ber_sockbuf_add_io(sockbuf, &ber_sockbuf_io_readahead, LBER_SBIOD_LEVEL_PROVIDER, &size) !=
      0) {
    return OptionFailure("cannot add a read-ahead buffer to the connection");
  }
  return Status::Ok();
}

Status LdapConnection::OptionFailure(const std::string& what) {
  // ldap_set_option reports only LDAP_OPT_ERROR (-1, which ldap_err2string calls "Can't
  // contact LDAP server"); the handle's diagnostic message, if any, says more.
  std::string message = what + " for " + url_;
  char* text = nullptr;
  if (ldap_get_option(ld_, LDAP_OPT_DIAGNOSTIC_MESSAGE, &text) == LDAP_OPT_SUCCESS &&
      text != nullptr) {
    if (*text != '\0') message += std::string(": ") + text;
    ldap_memfree(text);
  }
  return Status::Directory(std::move(message));
}

Status LdapConnection::SetUpTls(const DirectoryConfig& config) {
  // The options go on this handle, then LDAP_OPT_X_TLS_NEWCTX builds its TLS context from
  // them; without NEWCTX libldap would keep using the process-wide context.
  if (!config.tls_ca_file.empty() &&
      ldap_set_option(ld_, LDAP_OPT_X_TLS_CACERTFILE, config.tls_ca_file.c_str()) !=
          LDAP_OPT_SUCCESS) {
    return OptionFailure("cannot use TLS CA file " + config.tls_ca_file);
  }
  const int demand = LDAP_OPT_X_TLS_DEMAND;
  if (ldap_set_option(ld_, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand) != LDAP_OPT_SUCCESS) {
    return OptionFailure("cannot require TLS certificate verification");
  }
  const int tls12 = LDAP_OPT_X_TLS_PROTOCOL_TLS1_2;
  if (ldap_set_option(ld_, LDAP_OPT_X_TLS_PROTOCOL_MIN, &tls12) != LDAP_OPT_SUCCESS) {
    return OptionFailure("cannot require TLS 1.2 or later");
  }
  const int is_server = 0;
  if (ldap_set_option(ld_, LDAP_OPT_X_TLS_NEWCTX, &is_server) != LDAP_OPT_SUCCESS) {
    return OptionFailure(config.tls_ca_file.empty()
                             ? std::string("cannot set up TLS with the system CA store")
                             : "cannot set up TLS with CA file " + config.tls_ca_file +
                                   " (is it a readable PEM file?)");
  }
  return Status::Ok();
}

}  // namespace pmbridge
