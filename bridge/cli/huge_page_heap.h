// Transparent huge pages for the heap. A full reconcile of 100,000 people touches about
// 500 MB of heap, and with 4 KiB pages that is some 130,000 page faults: on a virtual
// machine each costs several microseconds, and together they were a third of a no-op
// reconcile's CPU time. glibc backs its heap with huge pages when started with
// GLIBC_TUNABLES=glibc.malloc.hugetlb=1, which it reads only at process start: the
// `pmbridge` launcher (launcher.cc) sets it before it starts the program, and the program
// run by itself re-executes itself with it (same PID, so systemd's view is unchanged).
//
// With it, glibc.malloc.top_pad=64 MiB: a thread's heap is then mapped whole (64 MiB,
// glibc's most) when the thread first allocates, where it otherwise grew 4 KiB at a time,
// an mprotect call each (8,000 in a 100k-person reconcile, a fifth of its entitlement
// step), and the main heap grows 64 MiB at a time. The price: after a large free each heap
// keeps up to 64 MiB for its next use instead of returning it.
#pragma once

namespace pmbridge {

// Adds the tunables to GLIBC_TUNABLES for the next program this process executes. Returns
// false, changing nothing, if GLIBC_TUNABLES already mentions glibc.malloc.hugetlb (the
// administrator's choice wins, e.g. hugetlb=0 to opt out) or this process was started
// with the tunables by pmbridge. A top_pad the administrator set is kept.
bool AddHeapTunables();
// Undoes AddHeapTunables, when the program it was for could not be executed.
void RemoveHeapTunables();

// Call first thing in main. Re-executes /proc/self/exe with the tunables added, unless
// AddHeapTunables has nothing to add. If the exec fails, returns and the program runs on
// as it was started.
void UseHugePagesForHeap(char** argv);

}  // namespace pmbridge
