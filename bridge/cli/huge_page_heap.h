// Transparent huge pages for the heap. A full reconcile of 100,000 people touches about
// 500 MB of heap, and with 4 KiB pages that is some 130,000 page faults: on a virtual
// machine each costs several microseconds, and together they were a third of a no-op
// reconcile's CPU time. glibc backs its heap with huge pages when started with
// GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (read only at process start, so it is set here and
// the process re-executes itself; same PID, so systemd's view is unchanged).
#pragma once

namespace pmbridge {

// Call first thing in main. Re-executes /proc/self/exe with the tunable added, unless
// GLIBC_TUNABLES already mentions glibc.malloc.hugetlb (the administrator's choice wins,
// e.g. hugetlb=0 to opt out) or this process is that re-execution. If the exec fails, returns
// and the program runs on with normal pages.
void UseHugePagesForHeap(char** argv);

}  // namespace pmbridge
