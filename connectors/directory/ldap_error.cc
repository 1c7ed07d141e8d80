#include "connectors/directory/ldap_error.h"

namespace pmbridge {
namespace {

// What an administrator should check for the codes a read typically fails with.
const char* Hint(int rc) {
  switch (rc) {
    case LDAP_INVALID_CREDENTIALS:
      return "Check bind_dn and the bind password";
    case LDAP_SERVER_DOWN:
    case LDAP_CONNECT_ERROR:
      return "Check that the server runs and is reachable, and for ldaps:// or StartTLS that "
             "tls_ca_file holds the CA that signed the server's certificate and that the URL "
             "names a host the certificate is for";
    case LDAP_TIMEOUT:
      return "The server did not answer within the configured timeout";
    case LDAP_SIZELIMIT_EXCEEDED:
      return "The server's size limit cut the read short; raise it for the bind account "
             "(slapd: limits ... size.prtotal=unlimited; Active Directory: MaxPageSize must "
             "allow the page size)";
    case LDAP_TIMELIMIT_EXCEEDED:
      return "The server's time limit cut the read short; raise it for the bind account";
    case LDAP_ADMINLIMIT_EXCEEDED:
      return "An administrative limit of the server cut the read short; raise it for the "
             "bind account";
    case LDAP_INSUFFICIENT_ACCESS:
      return "The bind account may not read this; check the directory's access rules";
    case LDAP_NO_SUCH_OBJECT:
      return "Check the base DN, and that the bind account may read it (servers hide what an "
             "account may not read)";
    case LDAP_FILTER_ERROR:
      return "Check the search filter";
    case LDAP_UNAVAILABLE_CRITICAL_EXTENSION:
      return "The server does not support a control pmbridge requires (paged results, "
             "RFC 2696)";
    case LDAP_CONFIDENTIALITY_REQUIRED:
    case LDAP_STRONG_AUTH_REQUIRED:
      return "The server requires TLS; use ldaps:// or start_tls: true";
    default:
      return nullptr;
  }
}

}  // namespace

bool IsConnectionFailure(int rc) {
  return rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR || rc == LDAP_TIMEOUT ||
         rc == LDAP_LOCAL_ERROR || rc == LDAP_ENCODING_ERROR || rc == LDAP_DECODING_ERROR;
}

Status LdapFailure(LDAP* ld, int rc, std::string_view what, std::string_view url,
                   std::string_view server_text) {
  std::string message(what);
  message += " at ";
  message += url;
  message += ": ";
  message += ldap_err2string(rc);
  message += " (" + std::to_string(rc) + ")";
  std::string diagnostic(server_text);
  if (diagnostic.empty() && ld != nullptr) {
    char* text = nullptr;
    if (ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &text) == LDAP_OPT_SUCCESS &&
        text != nullptr) {
      diagnostic = text;
      ldap_memfree(text);
    }
  }
  // GnuTLS-built libldap reports every handshake failure as "(unknown error code)".
  if (!diagnostic.empty() && diagnostic != "(unknown error code)") message += ": " + diagnostic;
  if (const char* hint = Hint(rc)) {
    message += ". ";
    message += hint;
  }
  return Status::Directory(std::move(message));
}

}  // namespace pmbridge
