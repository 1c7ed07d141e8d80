// Keeps libldap from killing the process with SIGPIPE. libldap writes to its socket with
// plain write(2) (no MSG_NOSIGNAL), so a request sent on a connection the server has reset
// (a refused asynchronous connect, a restarted slapd) raises SIGPIPE, whose default action
// ends the process. A library must not change the process-wide disposition, so the guard
// blocks SIGPIPE in the calling thread while libldap runs, then discards a SIGPIPE that it
// caused, and restores the mask. libldap then sees EPIPE and reports the server as down.
#pragma once

#include <signal.h>

namespace pmbridge {

class SigpipeGuard {
 public:
  SigpipeGuard();
  ~SigpipeGuard();
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t old_mask_;
  bool was_pending_ = false;  // a SIGPIPE already pending is not ours to discard
};

}  // namespace pmbridge
