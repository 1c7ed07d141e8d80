// Whether a bind may be attempted at all, decided from the configuration before any
// packet is sent: a password must not cross the network in clear text (DESIGN.md,
// Security).
#pragma once

#include <string_view>

#include "bridge/config/config.h"
#include "bridge/status.h"

namespace pmbridge {

// True for a host name or address that cannot leave this machine: 127.0.0.0/8, ::1 and
// "localhost". Names are not resolved: what a name resolves to can change.
bool IsLoopbackHost(std::string_view host);

// OK when the directory URL(s) of `config` may be used for a bind with or without a
// password. kInvalidInput for a malformed URL, ldaps:// together with start_tls, a bind
// DN without a password (RFC 4513 "unauthenticated bind": servers treat it as anonymous,
// which would read as an empty directory), or a plaintext simple bind with a password to a
// host that is not loopback unless allow_insecure_bind.
Status CheckBindPolicy(const DirectoryConfig& config, bool has_password);

}  // namespace pmbridge
