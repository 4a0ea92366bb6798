#ifndef CBENCHSUPPORT_H
#define CBENCHSUPPORT_H
#include <stddef.h>

/// Bytes currently handed out by malloc (glibc's mallinfo2: uordblks + hblkhd), 0 where unknown.
/// Exact and repeatable, so engine memory per page-table entry does not depend on page residency.
size_t cowbench_allocated_bytes(void);

/// Runs argv[0] (searched in PATH) with argv, standard input and output on /dev/null, and waits
/// for it: a whole-process run as a shell would start it. Returns its exit status, 128 + signal
/// when killed, or -1 when it could not be started.
int cowbench_run_quietly(char *const argv[]);

#endif
