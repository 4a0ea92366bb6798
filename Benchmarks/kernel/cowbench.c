/*
 * cowbench: the real kernel doing issue 6's workloads 1 and 2, so cowsim's figures can be
 * printed as ratios measured in the same run on the same machine.
 *
 * For each size and repetition: mmap private anonymous memory (MADV_NOHUGEPAGE so every
 * page is a 4 KiB page, as in the simulator), write every page (first-touch zero-fill
 * faults), fork (timed in the parent), the child writes every page (copy-on-write copies,
 * timed in the child and sent back through a pipe) and exits, the parent times the wait for
 * the child's exit (which frees the child's copies), then rewrites every page (write-protect
 * faults that reuse the frame, since the parent is the only mapper again).
 *
 * Output, one line per measurement, tab separated:
 *     workload  pages  seconds  minor-faults
 * workloads: populate, fork, cow-write, exit-wait, reuse-write.
 * Lines starting with '#' are comments.
 *
 * Usage: cowbench [repetitions] [pages...]   (defaults: 5 repetitions; 4096 65536 262144)
 *        cowbench spawn RUNS PROGRAM [ARGS...]
 *          times RUNS whole runs of PROGRAM (posix_spawn to exit, output to /dev/null):
 *          one `spawn  0  seconds  exit-status` line each (start-up benchmark).
 * Build:  cc -O2 -o cowbench cowbench.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct child_report {
    double seconds;
    long faults;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long minor_faults(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

static void die(const char *what)
{
    fprintf(stderr, "cowbench: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* Writes one byte in every page; `value` changes between passes so no write is a no-op. */
static void write_pages(volatile unsigned char *base, long pages, long page_size, unsigned char value)
{
    for (long i = 0; i < pages; i++)
        base[i * page_size] = value;
}

static void report(const char *workload, long pages, double seconds, long faults)
{
    printf("%s\t%ld\t%.9f\t%ld\n", workload, pages, seconds, faults);
    fflush(stdout);
}

/* The child's part: write every page (COW copies), report through the pipe, exit. */
static void child(int fd, unsigned char *base, long pages, long page_size)
{
    long f0 = minor_faults();
    double t0 = now();
    write_pages(base, pages, page_size, 2);
    struct child_report r = { now() - t0, minor_faults() - f0 };
    if (write(fd, &r, sizeof r) != (ssize_t)sizeof r)
        _exit(2);
    _exit(0);
}

static void run_once(long pages, long page_size)
{
    size_t bytes = (size_t)pages * (size_t)page_size;
    unsigned char *base = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED)
        die("mmap");
    if (madvise(base, bytes, MADV_NOHUGEPAGE) != 0)
        die("madvise(MADV_NOHUGEPAGE)");

    long f0 = minor_faults();
    double t0 = now();
    write_pages(base, pages, page_size, 1);
    report("populate", pages, now() - t0, minor_faults() - f0);

    int fds[2];
    if (pipe(fds) != 0)
        die("pipe");
    fflush(stdout);

    f0 = minor_faults();
    t0 = now();
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        close(fds[0]);
        child(fds[1], base, pages, page_size);
    }
    double fork_seconds = now() - t0;
    long fork_faults = minor_faults() - f0;
    close(fds[1]);
    report("fork", pages, fork_seconds, fork_faults);

    struct child_report r;
    ssize_t got = read(fds[0], &r, sizeof r);
    if (got != (ssize_t)sizeof r)
        die("read from child");
    close(fds[0]);
    report("cow-write", pages, r.seconds, r.faults);

    t0 = now();
    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        die("waitpid");
    report("exit-wait", pages, now() - t0, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "cowbench: child failed (status %d)\n", status);
        exit(1);
    }

    f0 = minor_faults();
    t0 = now();
    write_pages(base, pages, page_size, 3);
    report("reuse-write", pages, now() - t0, minor_faults() - f0);

    if (munmap(base, bytes) != 0)
        die("munmap");
}

static long parse_positive(const char *text, const char *what)
{
    char *end = NULL;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value <= 0) {
        fprintf(stderr, "cowbench: %s must be a positive number, got '%s'\n", what, text);
        exit(2);
    }
    return value;
}

extern char **environ;

/* Times whole runs of a program: posix_spawn (as a shell starts it) until waitpid returns. */
static int spawn_runs(long runs, char **argv)
{
    for (long run = 0; run < runs; run++) {
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        pid_t pid;
        double t0 = now();
        int error = posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&actions);
        if (error != 0) {
            errno = error;
            die(argv[0]);
        }
        int status = 0;
        if (waitpid(pid, &status, 0) != pid)
            die("waitpid");
        double seconds = now() - t0;
        report("spawn", 0, seconds, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "spawn") == 0) {
        if (argc < 4) {
            fprintf(stderr, "usage: cowbench spawn RUNS PROGRAM [ARGS...]\n");
            return 2;
        }
        return spawn_runs(parse_positive(argv[2], "runs"), argv + 3);
    }
    long repetitions = argc > 1 ? parse_positive(argv[1], "repetitions") : 5;
    long default_sizes[] = { 4096, 65536, 262144 };
    long page_size = sysconf(_SC_PAGESIZE);

    printf("# cowbench: workload\tpages\tseconds\tminor-faults (page size %ld)\n", page_size);
    for (long rep = 0; rep < repetitions; rep++) {
        if (argc > 2) {
            for (int i = 2; i < argc; i++)
                run_once(parse_positive(argv[i], "pages"), page_size);
        } else {
            for (size_t i = 0; i < sizeof default_sizes / sizeof default_sizes[0]; i++)
                run_once(default_sizes[i], page_size);
        }
    }
    return 0;
}
