/*
 * cowk: the participant side of cowsim's kernel backend, plus the few controller-side calls
 * Swift cannot make directly (fd passing, posix_spawn with exact file actions, pidfd).
 *
 * One participant process per simulated process. The controller sends one fixed-size request
 * over a Unix stream socket, the participant performs it on its own address space and answers
 * with one fixed-size reply (plus `count` 64-bit words for reads and page-map queries). Faults
 * are measured with getrusage inside the participant, immediately around its own access loop.
 * Linux only; elsewhere every call fails with ENOSYS.
 */
#ifndef COWK_H
#define COWK_H

#include <stdint.h>
#include <sys/types.h>

enum cowk_op {
    COWK_OP_MAP = 1,       /* addr, pages, flags (COWK_MAP_*), value = prot, offset = file page; fd attached */
    COWK_OP_UNMAP = 2,     /* addr, pages */
    COWK_OP_PROTECT = 3,   /* addr, pages, value = prot */
    COWK_OP_ADVISE = 4,    /* addr, pages, value = Linux MADV_* number */
    COWK_OP_READ = 5,      /* addr, pages (<= COWK_CHUNK): answers `pages` values */
    COWK_OP_WRITE = 6,     /* addr, pages, value */
    COWK_OP_FORK = 7,      /* the child's socket attached; answers the child's pid */
    COWK_OP_VFORK_EXEC = 8,/* vfork, the child execs a fresh participant on the attached socket */
    COWK_OP_EXEC = 9,      /* exec a fresh participant in place (same pid, same socket) */
    COWK_OP_EXIT = 10,     /* answer, then _exit(value) */
    COWK_OP_MSYNC = 11,    /* addr, pages, value = MS_* flags (MS_SYNC if 0) */
    COWK_OP_MREMAP = 12,   /* addr, pages, value = new address (0: in place), offset = new pages */
    COWK_OP_PAGEMAP = 13,  /* addr, pages (<= COWK_CHUNK): answers 3 words a page:
                              pagemap entry, map count, page flags (COWK_UNAVAILABLE if unreadable) */
    COWK_OP_MLOCK = 14,    /* addr, pages, value = 1: mlock (populates), 0: munlock; faults measured */
};

enum { COWK_MAP_SHARED = 1, COWK_MAP_FILE = 2, COWK_MAP_HUGEPAGE = 4 };

/* reply.error: 0, a positive errno, or one of these. */
enum { COWK_KILLED = -1 /* the process took `signal` at fault_addr and is dying */ };

#define COWK_CHUNK 16384
static const uint64_t COWK_UNAVAILABLE = UINT64_MAX;
#define COWK_PARTICIPANT_FLAG "--kernel-participant"

struct cowk_request {
    uint32_t op;
    uint32_t flags;
    uint64_t addr;
    uint64_t pages;
    int64_t value;
    uint64_t offset;
};

struct cowk_reply {
    int32_t error;
    int32_t signal;
    int64_t pid;
    int64_t minor_faults;   /* taken during this request's access loop only */
    int64_t major_faults;
    uint64_t fault_addr;
    uint64_t count;         /* 64-bit words that follow */
};

/* Participant: called by the cowsim executable when argv[1] is COWK_PARTICIPANT_FLAG.
 * argv: cowsim --kernel-participant FD [CPU UID]. Never returns. */
int cowk_participant_main(int argc, char **argv);

/* Controller side. All return -1 with errno set on failure. */
int cowk_socketpair(int fds[2]);
/* Starts `path` as a participant on `fd` (which becomes its fd 3), pinned to `cpu`, running as
 * `uid` when uid >= 0. Returns the pid; *ready is filled with the participant's first reply. */
pid_t cowk_spawn(const char *path, int fd, int cpu, int uid, int gid);
int cowk_send(int sock, const struct cowk_request *request, int attached_fd);
/* Receives a reply and up to `capacity` payload words (the rest is discarded). 0 on EOF. */
int cowk_receive(int sock, struct cowk_reply *reply, uint64_t *payload, uint64_t capacity);
int cowk_pidfd_open(pid_t pid);
int cowk_pidfd_kill(int pidfd, int signal);
/* Waits up to timeout_ms for the process behind pidfd to end: 1 ended, 0 not yet, -1 error. */
int cowk_pidfd_wait(int pidfd, int timeout_ms);
/* The CPU participants are pinned to: the highest one this process may run on. */
int cowk_pick_cpu(void);
/* A file without a name in `directory` (O_TMPFILE), or -1. */
int cowk_tmpfile(const char *directory);
int cowk_drop_cache(int fd);
/* How many of the first `pages` pages of the file are in the page cache (mincore on a mapping
 * that is never touched, so nothing is faulted in), or -1. */
long cowk_cached_pages(int fd, uint64_t pages);
int cowk_is_linux(void);

#endif
