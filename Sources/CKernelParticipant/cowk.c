/* See include/cowk.h. */
#define _GNU_SOURCE
#include "cowk.h"

#include <errno.h>

#if defined(__linux__)
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MADV_NOHUGEPAGE
#define MADV_NOHUGEPAGE 15
#endif
#ifndef MADV_HUGEPAGE
#define MADV_HUGEPAGE 14
#endif
#ifndef O_TMPFILE
#define O_TMPFILE (020000000 | O_DIRECTORY)
#endif

extern char **environ;

#define PAGE 4096UL

/* ---------------------------------------------------------------- both sides */

static int write_full(int fd, const void *buffer, size_t length)
{
    const char *p = buffer;
    while (length > 0) {
        ssize_t n = send(fd, p, length, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        length -= (size_t)n;
    }
    return 0;
}

/* Reads exactly `length` bytes; an fd passed with them lands in *fd_out (else -1).
 * Returns 1, 0 on end of file before anything was read, -1 on error. */
static int read_full(int sock, void *buffer, size_t length, int *fd_out)
{
    char *p = buffer;
    size_t done = 0;
    if (fd_out)
        *fd_out = -1;
    while (done < length) {
        struct iovec iov = { p + done, length - done };
        union {
            char space[CMSG_SPACE(sizeof(int))];
            struct cmsghdr align;
        } control;
        struct msghdr msg;
        memset(&msg, 0, sizeof msg);
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.space;
        msg.msg_controllen = sizeof control.space;
        ssize_t n = recvmsg(sock, &msg, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0) {
            if (done == 0)
                return 0;
            errno = EPIPE;
            return -1;
        }
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                int fd;
                memcpy(&fd, CMSG_DATA(c), sizeof fd);
                if (fd_out && *fd_out < 0)
                    *fd_out = fd;
                else
                    close(fd);
            }
        }
        done += (size_t)n;
    }
    return 1;
}

/* ---------------------------------------------------------------- participant */

static int channel = -1;
static volatile sig_atomic_t dying;
/* The open fault window, for a death inside it: the faults taken before the fatal access count. */
static struct rusage window_start;
static volatile sig_atomic_t window_is_open;
/* The fatal-signal handler runs here: its frame must not fault inside a window (a fresh stack
 * page would count as a fault), so every window touches these pages first. */
#define ALTSTACK_BYTES (16 * PAGE)
static char altstack[ALTSTACK_BYTES] __attribute__((aligned(4096)));
static uint64_t payload[3 * COWK_CHUNK];

static void participant_exit(int status) { _exit(status); }

/* SIGSEGV / SIGBUS on a script access: answer the pending request with the signal, then let
 * the default action kill the process (SA_RESETHAND; the faulting access runs again). */
static void on_fatal_signal(int sig, siginfo_t *info, void *context)
{
    (void)context;
    if (!dying) {
        dying = 1;
        struct cowk_reply r;
        memset(&r, 0, sizeof r);
        r.error = COWK_KILLED;
        r.signal = sig;
        r.pid = getpid();
        r.fault_addr = (uint64_t)(uintptr_t)info->si_addr;
        if (window_is_open) {
            struct rusage now;
            getrusage(RUSAGE_SELF, &now);
            r.minor_faults = now.ru_minflt - window_start.ru_minflt;
            r.major_faults = now.ru_majflt - window_start.ru_majflt;
        }
        (void)write_full(channel, &r, sizeof r);
    }
}

static void reply(struct cowk_reply *r, const uint64_t *words, uint64_t count)
{
    r->pid = getpid();
    r->count = count;
    if (write_full(channel, r, sizeof *r) != 0)
        participant_exit(0);
    if (count > 0 && write_full(channel, words, count * sizeof(uint64_t)) != 0)
        participant_exit(0);
}

/* The access loops. noinline so a warm-up call with 0 pages faults in their code page. */
__attribute__((noinline)) static void read_pages(uint64_t addr, uint64_t pages, uint64_t *out)
{
    for (uint64_t i = 0; i < pages; i++)
        out[i] = (uint64_t)*(volatile int64_t *)(uintptr_t)(addr + i * PAGE);
}

__attribute__((noinline)) static void write_pages(uint64_t addr, uint64_t pages, int64_t value)
{
    for (uint64_t i = 0; i < pages; i++)
        *(volatile int64_t *)(uintptr_t)(addr + i * PAGE) = value;
}

/* Fault counters around exactly one piece of work: everything the window touches besides the
 * script's pages (stack, result buffer, globals, the code itself, which a forked child has not
 * mapped yet: fork copies no entries of file-backed text) is touched by one empty dry run first. */
struct window {
    struct rusage before, after;
};

__attribute__((noinline)) static void window_begin(struct window *w)
{
    getrusage(RUSAGE_SELF, &w->before);
    window_start = w->before;
    window_is_open = 1;
}

__attribute__((noinline)) static void window_close(struct window *w, struct cowk_reply *r)
{
    getrusage(RUSAGE_SELF, &w->after);
    window_is_open = 0;
    r->minor_faults = w->after.ru_minflt - w->before.ru_minflt;
    r->major_faults = w->after.ru_majflt - w->before.ru_majflt;
}

static void window_open(struct window *w, uint64_t buffer_words)
{
    memset(w, 0, sizeof *w);
    for (uint64_t i = 0; i < buffer_words; i += PAGE / sizeof(uint64_t))
        payload[i] = 0;
    if (buffer_words > 0)
        payload[buffer_words - 1] = 0;
    for (uint64_t i = 0; i < ALTSTACK_BYTES; i += PAGE)
        ((volatile char *)altstack)[i] = 0;
    struct cowk_reply dry;
    memset(&dry, 0, sizeof dry);
    window_begin(w);
    read_pages(0, 0, payload);
    write_pages(0, 0, 0);
    window_close(w, &dry);
    window_begin(w);
}

static int prot_of(int64_t value) { return (int)(value & (PROT_READ | PROT_WRITE | PROT_EXEC)); }

static void exec_participant(int fd)
{
    char number[24];
    snprintf(number, sizeof number, "%d", fd);
    int flags = fcntl(fd, F_GETFD);
    if (flags >= 0)
        fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
    char *args[] = { "cowsim", COWK_PARTICIPANT_FLAG, number, NULL };
    execve("/proc/self/exe", args, environ);
}

static void pagemap(uint64_t addr, uint64_t pages, uint64_t *out)
{
    int map = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    int counts = open("/proc/kpagecount", O_RDONLY | O_CLOEXEC);
    int flags = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
    for (uint64_t i = 0; i < pages; i++) {
        uint64_t entry = COWK_UNAVAILABLE, count = COWK_UNAVAILABLE, pageflags = COWK_UNAVAILABLE;
        if (map >= 0 && pread(map, &entry, 8, (off_t)((addr / PAGE + i) * 8)) != 8)
            entry = COWK_UNAVAILABLE;
        uint64_t pfn = entry & ((1ULL << 55) - 1);
        if (entry != COWK_UNAVAILABLE && (entry >> 63) && pfn != 0) {
            if (counts >= 0 && pread(counts, &count, 8, (off_t)(pfn * 8)) != 8)
                count = COWK_UNAVAILABLE;
            if (flags >= 0 && pread(flags, &pageflags, 8, (off_t)(pfn * 8)) != 8)
                pageflags = COWK_UNAVAILABLE;
        }
        out[3 * i] = entry;
        out[3 * i + 1] = count;
        out[3 * i + 2] = pageflags;
    }
    if (map >= 0)
        close(map);
    if (counts >= 0)
        close(counts);
    if (flags >= 0)
        close(flags);
}

static void serve(void)
{
    for (;;) {
        struct cowk_request q;
        int fd = -1;
        int got = read_full(channel, &q, sizeof q, &fd);
        if (got <= 0)
            participant_exit(0); /* the controller is gone: so are we */
        struct cowk_reply r;
        memset(&r, 0, sizeof r);
        uint64_t bytes = q.pages * PAGE;
        void *at = (void *)(uintptr_t)q.addr;
        struct window w;
        switch (q.op) {
        case COWK_OP_MAP: {
            int shared = (q.flags & COWK_MAP_SHARED) != 0, file = (q.flags & COWK_MAP_FILE) != 0;
            if (file && fd < 0) {
                r.error = EBADF;
                break;
            }
            int how = (shared ? MAP_SHARED : MAP_PRIVATE) | (file ? 0 : MAP_ANONYMOUS) | MAP_FIXED_NOREPLACE;
            void *p = mmap(at, bytes, prot_of(q.value), how, file ? fd : -1, (off_t)(q.offset * PAGE));
            if (p == MAP_FAILED) {
                r.error = errno;
            } else if (p != at) {
                munmap(p, bytes);
                r.error = EEXIST;
            } else if (madvise(at, bytes, (q.flags & COWK_MAP_HUGEPAGE) ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) != 0) {
                r.error = errno;
                munmap(at, bytes);
            }
            break;
        }
        case COWK_OP_UNMAP:
            if (munmap(at, bytes) != 0)
                r.error = errno;
            break;
        case COWK_OP_PROTECT:
            if (mprotect(at, bytes, prot_of(q.value)) != 0)
                r.error = errno;
            break;
        case COWK_OP_ADVISE:
            window_open(&w, 0);
            if (madvise(at, bytes, (int)q.value) != 0)
                r.error = errno;
            window_close(&w, &r);
            break;
        case COWK_OP_READ:
            if (q.pages > COWK_CHUNK) {
                r.error = E2BIG;
                break;
            }
            window_open(&w, q.pages);
            read_pages(q.addr, q.pages, payload);
            window_close(&w, &r);
            reply(&r, payload, q.pages);
            continue;
        case COWK_OP_WRITE:
            window_open(&w, 0);
            write_pages(q.addr, q.pages, q.value);
            window_close(&w, &r);
            break;
        case COWK_OP_FORK: {
            if (fd < 0) {
                r.error = EBADF;
                break;
            }
            pid_t pid = fork();
            if (pid < 0) {
                r.error = errno;
                close(fd);
                break;
            }
            if (pid == 0) {
                close(channel);
                channel = fd;
                struct cowk_reply hello;
                memset(&hello, 0, sizeof hello);
                reply(&hello, NULL, 0);
                continue;
            }
            close(fd);
            r.signal = 0;
            reply(&r, NULL, 0);
            /* the reply's pid is ours; the child announces itself on its own socket */
            continue;
        }
        case COWK_OP_VFORK_EXEC: {
            if (fd < 0) {
                r.error = EBADF;
                break;
            }
            char number[24];
            snprintf(number, sizeof number, "%d", fd);
            char *args[] = { "cowsim", COWK_PARTICIPANT_FLAG, number, NULL };
            pid_t pid = vfork();
            if (pid == 0) {
                execve("/proc/self/exe", args, environ);
                _exit(127);
            }
            if (pid < 0)
                r.error = errno;
            close(fd);
            break;
        }
        case COWK_OP_EXEC:
            exec_participant(channel);
            r.error = errno;
            break;
        case COWK_OP_EXIT:
            reply(&r, NULL, 0);
            participant_exit((int)(q.value & 0xff));
            break;
        case COWK_OP_MSYNC:
            window_open(&w, 0);
            if (msync(at, bytes, q.value ? (int)q.value : MS_SYNC) != 0)
                r.error = errno;
            window_close(&w, &r);
            break;
        case COWK_OP_MLOCK:
            window_open(&w, 0);
            if ((q.value ? mlock(at, bytes) : munlock(at, bytes)) != 0)
                r.error = errno;
            window_close(&w, &r);
            break;
        case COWK_OP_MREMAP: {
            uint64_t new_bytes = q.offset * PAGE;
            void *p;
            window_open(&w, 0);
            if (q.value == 0) {
                p = mremap(at, bytes, new_bytes, 0);
            } else {
                /* reserve the destination first: never clobber anything already there */
                void *to = (void *)(uintptr_t)q.value;
                void *hold = mmap(to, new_bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
                if (hold == MAP_FAILED || hold != to) {
                    if (hold != MAP_FAILED)
                        munmap(hold, new_bytes);
                    errno = EEXIST;
                    p = MAP_FAILED;
                } else {
                    p = mremap(at, bytes, new_bytes, MREMAP_MAYMOVE | MREMAP_FIXED, to);
                    if (p == MAP_FAILED) {
                        int saved = errno;
                        munmap(hold, new_bytes);
                        errno = saved;
                    }
                }
            }
            if (p == MAP_FAILED)
                r.error = errno;
            window_close(&w, &r);
            break;
        }
        case COWK_OP_PAGEMAP:
            if (q.pages > COWK_CHUNK) {
                r.error = E2BIG;
                break;
            }
            pagemap(q.addr, q.pages, payload);
            reply(&r, payload, 3 * q.pages);
            continue;
        default:
            r.error = EINVAL;
        }
        if (fd >= 0 && q.op == COWK_OP_MAP)
            close(fd);
        else if (fd >= 0 && q.op != COWK_OP_FORK && q.op != COWK_OP_VFORK_EXEC)
            close(fd);
        reply(&r, NULL, 0);
    }
}

int cowk_participant_main(int argc, char **argv)
{
    if (argc < 3)
        _exit(2);
    int fd = atoi(argv[2]);
    if (fd < 3)
        _exit(2);
    /* Standard input and output go nowhere: the terminal belongs to the controller. */
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        if (null > 2)
            close(null);
    }
    if (fd != 3) {
        if (dup2(fd, 3) < 0)
            _exit(2);
        close(fd);
    }
    channel = 3;
    syscall(SYS_close_range, 4U, ~0U, 0U);
    fcntl(channel, F_SETFD, FD_CLOEXEC);
    setpgid(0, 0); /* Ctrl-C at the terminal is the controller's to handle */
    if (argc >= 5) {
        int cpu = atoi(argv[3]), uid = atoi(argv[4]);
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        if (sched_setaffinity(0, sizeof set, &set) != 0)
            _exit(3);
        if (uid >= 0) {
            int gid = argc >= 6 ? atoi(argv[5]) : uid;
            if (setgroups(0, NULL) != 0 || setresgid((gid_t)gid, (gid_t)gid, (gid_t)gid) != 0 ||
                setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) != 0)
                _exit(4);
            prctl(PR_SET_DUMPABLE, 1); /* so /proc/self/pagemap stays ours to read */
        }
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGCHLD, &sa, NULL); /* children are reaped by the kernel */
    sa.sa_handler = SIG_DFL;
    sigaction(SIGINT, &sa, NULL);
    memset(&sa, 0, sizeof sa);
    stack_t alternate;
    memset(&alternate, 0, sizeof alternate);
    alternate.ss_sp = altstack;
    alternate.ss_size = ALTSTACK_BYTES;
    sigaltstack(&alternate, NULL);
    sa.sa_sigaction = on_fatal_signal;
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_ONSTACK;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    /* Bind mlock, munlock and mremap now (a zero-length call does nothing): the first call of a libc
       function faults in its code and, with lazy binding, writes its GOT entry, and those faults
       must not be counted as the script's `mlock`'s. */
    mlock(altstack, 0);
    munlock(altstack, 0);
    (void)mremap(altstack, 0, 0, 0); /* EINVAL: binds mremap, whose in-place growth counts faults */
    struct cowk_reply hello;
    memset(&hello, 0, sizeof hello);
    reply(&hello, NULL, 0);
    serve();
    _exit(0);
}

/* ---------------------------------------------------------------- controller */

int cowk_socketpair(int fds[2]) { return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds); }

pid_t cowk_spawn(const char *path, int fd, int cpu, int uid, int gid)
{
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    if (posix_spawn_file_actions_init(&actions) != 0)
        return -1;
    posix_spawnattr_init(&attributes);
    /* fd is close-on-exec: dup2 onto 3 clears that for the child */
    posix_spawn_file_actions_adddup2(&actions, fd, 3);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attributes, &none);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGSEGV);
    sigaddset(&defaults, SIGBUS);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    char cpu_text[24], uid_text[24], gid_text[24];
    snprintf(cpu_text, sizeof cpu_text, "%d", cpu);
    snprintf(uid_text, sizeof uid_text, "%d", uid);
    snprintf(gid_text, sizeof gid_text, "%d", gid);
    char *args[] = { "cowsim", COWK_PARTICIPANT_FLAG, "3", cpu_text, uid_text, gid_text, NULL };
    pid_t pid = -1;
    int status = posix_spawn(&pid, path, &actions, &attributes, args, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (status != 0) {
        errno = status;
        return -1;
    }
    return pid;
}

int cowk_send(int sock, const struct cowk_request *request, int attached_fd)
{
    struct iovec iov = { (void *)request, sizeof *request };
    union {
        char space[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    memset(&control, 0, sizeof control);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (attached_fd >= 0) {
        msg.msg_control = control.space;
        msg.msg_controllen = sizeof control.space;
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &attached_fd, sizeof attached_fd);
    }
    for (;;) {
        ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if ((size_t)n != sizeof *request) {
            errno = EIO;
            return -1;
        }
        return 0;
    }
}

int cowk_receive(int sock, struct cowk_reply *reply_out, uint64_t *words, uint64_t capacity)
{
    int got = read_full(sock, reply_out, sizeof *reply_out, NULL);
    if (got <= 0)
        return got;
    uint64_t count = reply_out->count;
    uint64_t kept = count < capacity ? count : capacity;
    if (kept > 0 && read_full(sock, words, kept * sizeof(uint64_t), NULL) != 1) {
        errno = EPIPE;
        return -1;
    }
    for (uint64_t i = kept; i < count; i++) {
        uint64_t word;
        if (read_full(sock, &word, sizeof word, NULL) != 1) {
            errno = EPIPE;
            return -1;
        }
    }
    return 1;
}

int cowk_pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

int cowk_pidfd_kill(int pidfd, int sig) { return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0); }

int cowk_pidfd_wait(int pidfd, int timeout_ms)
{
    struct pollfd p = { pidfd, POLLIN, 0 };
    for (;;) {
        int n = poll(&p, 1, timeout_ms);
        if (n < 0 && errno == EINTR)
            continue;
        return n < 0 ? -1 : (n > 0 ? 1 : 0);
    }
}

int cowk_pick_cpu(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return 0;
    for (int cpu = CPU_SETSIZE - 1; cpu >= 0; cpu--)
        if (CPU_ISSET(cpu, &set))
            return cpu;
    return 0;
}

int cowk_tmpfile(const char *directory) { return open(directory, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600); }

int cowk_drop_cache(int fd)
{
    if (fsync(fd) != 0)
        return -1;
    int status = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    if (status != 0) {
        errno = status;
        return -1;
    }
    return 0;
}

long cowk_cached_pages(int fd, uint64_t pages)
{
    if (pages == 0)
        return 0;
    size_t length = (size_t)pages * 4096;
    void *mapping = mmap(NULL, length, PROT_READ, MAP_SHARED, fd, 0);
    if (mapping == MAP_FAILED)
        return -1;
    unsigned char *vector = malloc((size_t)pages);
    long count = -1;
    if (vector && mincore(mapping, length, vector) == 0) {
        count = 0;
        for (uint64_t i = 0; i < pages; i++)
            count += vector[i] & 1;
    }
    int saved = errno;
    free(vector);
    munmap(mapping, length);
    errno = saved;
    return count;
}

int cowk_is_linux(void) { return 1; }

#else /* not Linux */

int cowk_participant_main(int argc, char **argv) { (void)argc; (void)argv; return 2; }
int cowk_socketpair(int fds[2]) { (void)fds; errno = ENOSYS; return -1; }
pid_t cowk_spawn(const char *path, int fd, int cpu, int uid, int gid) { (void)path; (void)fd; (void)cpu; (void)uid; (void)gid; errno = ENOSYS; return -1; }
int cowk_send(int sock, const struct cowk_request *request, int attached_fd) { (void)sock; (void)request; (void)attached_fd; errno = ENOSYS; return -1; }
int cowk_receive(int sock, struct cowk_reply *reply, uint64_t *payload, uint64_t capacity) { (void)sock; (void)reply; (void)payload; (void)capacity; errno = ENOSYS; return -1; }
int cowk_pidfd_open(pid_t pid) { (void)pid; errno = ENOSYS; return -1; }
int cowk_pidfd_kill(int pidfd, int sig) { (void)pidfd; (void)sig; errno = ENOSYS; return -1; }
int cowk_pidfd_wait(int pidfd, int timeout_ms) { (void)pidfd; (void)timeout_ms; errno = ENOSYS; return -1; }
int cowk_pick_cpu(void) { return 0; }
int cowk_tmpfile(const char *directory) { (void)directory; errno = ENOSYS; return -1; }
int cowk_drop_cache(int fd) { (void)fd; errno = ENOSYS; return -1; }
long cowk_cached_pages(int fd, uint64_t pages) { (void)fd; (void)pages; errno = ENOSYS; return -1; }
int cowk_is_linux(void) { return 0; }

#endif
