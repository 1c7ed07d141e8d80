// A bare DirSync client (the Active Directory DirSync control, MS-ADTS 3.1.1.3.4.1.3): the
// yardstick the daemon's DirSync follower is measured against. Each round is the search the
// follower makes every poll_interval (the domain naming context, every user and group, the
// attributes the bridge reads, incremental values), from the cookie of the round before,
// and does nothing with what comes back but count it. What it measures is the DC's DirSync
// plus libldap, without any of the bridge's work.
#pragma once

#include <ldap.h>

#include <string>

namespace pmbridge::bench {

class DirsyncPoll {
 public:
  // Polls over `ld` (bound by the caller, kept open by it) below `naming_context`, the
  // domain's root: DirSync refuses any other base. Does not poll.
  DirsyncPoll(LDAP* ld, std::string naming_context);

  // One round from the cookie to the end of what the server has (following its "more
  // data" flag); the entries it returned. The first round, without a cookie, returns every
  // user and group. Throws std::runtime_error.
  int Round();

 private:
  LDAP* ld_;
  std::string naming_context_;
  std::string cookie_;
};

}  // namespace pmbridge::bench
