// libldap failures as Status messages that say what failed, against which server, what
// the server said, and what to check. Never includes a password.
#pragma once

#include <ldap.h>

#include <string>
#include <string_view>

#include "bridge/status.h"

namespace pmbridge {

// True for result codes that mean the connection itself is unusable (server down,
// connect error, timeout, TLS failure), so the next operation must reconnect.
bool IsConnectionFailure(int rc);

// kDirectory: "<what> at <url>: <ldap_err2string(rc)> (<rc>)[: <server text>][. <hint>]".
// `server_text` is the diagnostic message of a parsed result; when empty the handle's
// LDAP_OPT_DIAGNOSTIC_MESSAGE is used (`ld` may be null).
Status LdapFailure(LDAP* ld, int rc, std::string_view what, std::string_view url,
                   std::string_view server_text = {});

}  // namespace pmbridge
