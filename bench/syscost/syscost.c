/*
 * Cost of single system calls, in C (no Node binding in the figure): the measurement behind advise --app's
 * grouping of syscalls that have no pricing workload of their own (docs/advise.md, "Syscall classes").
 * Prints one line per call: name and nanoseconds per call (best of 5 runs of N calls each).
 * Usage: syscost [DIR-WITH-ENTRIES] ; build: cc -O2 -o syscost syscost.c
 * SYSCOST_TOUCH_MB=N first maps and touches N MiB (a process the size of a Node probe), to see whether a guest's
 * per-call cost grows with the caller's address space (User-Mode Linux: docs/compare.md, "Added time per operation").
 * SYSCOST_ONLY=name runs that call alone.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static int zero, pfd[2], ep, fd_file; static const char *dir, *exe;
static char buf[65536];

static void op_getpid(void) { syscall(SYS_getpid); }
static void op_read(void) { if (read(zero, buf, 1) != 1) abort(); }
static void op_fstat(void) { struct stat s; fstat(fd_file, &s); }
static void op_stat(void) { struct stat s; stat(exe, &s); }
static void op_open(void) { int f = open(exe, O_RDONLY); close(f); }
static void op_readdir(void) { DIR *d = opendir(dir); while (readdir(d)) ; closedir(d); }
static int pending;
static void op_pipe_write(void) { if (write(pfd[1], buf, 1) != 1) abort(); if (++pending == 4096) { pending -= read(pfd[0], buf, 4096); } }
static void op_epoll(void) { struct epoll_event e; epoll_wait(ep, &e, 1, 0); }
static void op_mmap(void) { void *p = mmap(0, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); munmap(p, 65536); }
static void *region;
static void op_mprotect(void) { mprotect(region, 65536, PROT_READ); mprotect(region, 65536, PROT_READ | PROT_WRITE); }
static void op_madvise(void) { madvise(region, 65536, MADV_DONTNEED); }
static void op_brk(void) { void *b = sbrk(0); syscall(SYS_brk, (char *)b + 65536); syscall(SYS_brk, b); }
static void op_fcntl(void) { fcntl(zero, F_GETFL); }
static void op_lseek(void) { lseek(fd_file, 0, SEEK_SET); }
static void op_ioctl(void) { int n; ioctl(pfd[0], FIONREAD, &n); }
static void op_sigprocmask(void) { sigset_t s; sigprocmask(SIG_BLOCK, 0, &s); }
static void op_getrandom(void) { getrandom(buf, 16, 0); }
static void op_dup(void) { close(dup(zero)); }
static int lockfd;
static void op_fcntl_lock(void) { struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1 }; fcntl(lockfd, F_SETLK, &l); l.l_type = F_UNLCK; fcntl(lockfd, F_SETLK, &l); }
static void op_pwrite(void) { if (pwrite(lockfd, buf, 4096, 8192) != 4096) abort(); }
static void op_pread(void) { if (pread(lockfd, buf, 4096, 8192) != 4096) abort(); }

struct op { const char *name; void (*f)(void); double perCall; long n; };
int main(int argc, char **argv) {
  dir = argc > 1 ? argv[1] : "/usr/bin"; exe = "/proc/self/exe";
  exe = realpath("/proc/self/exe", 0);
  zero = open("/dev/zero", O_RDONLY); fd_file = open(exe, O_RDONLY);
  if (pipe(pfd)) abort();
  char lockpath[] = "/tmp/syscost-XXXXXX";
  lockfd = mkstemp(lockpath); unlink(lockpath);
  if (pwrite(lockfd, buf, 16384, 0) != 16384) abort();
  ep = epoll_create1(0); struct epoll_event e = { .events = EPOLLIN }; epoll_ctl(ep, EPOLL_CTL_ADD, zero, &e);
  region = mmap(0, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  struct op ops[] = {
    {"getpid", op_getpid, 1, 20000}, {"read", op_read, 1, 20000}, {"fstat", op_fstat, 1, 20000}, {"stat", op_stat, 1, 10000},
    {"openat+close", op_open, 1, 5000}, {"readdir", op_readdir, 1, 300}, {"pipe-write", op_pipe_write, 1, 20000}, {"epoll_wait", op_epoll, 1, 20000},
    {"mmap+munmap", op_mmap, 1, 5000}, {"mprotect", op_mprotect, 2, 5000}, {"madvise", op_madvise, 1, 10000}, {"brk", op_brk, 2, 5000},
    {"fcntl", op_fcntl, 1, 20000}, {"lseek", op_lseek, 1, 20000}, {"ioctl", op_ioctl, 1, 20000}, {"rt_sigprocmask", op_sigprocmask, 1, 20000},
    {"getrandom", op_getrandom, 1, 20000}, {"dup+close", op_dup, 1, 10000},
    {"fcntl-setlk", op_fcntl_lock, 2, 10000}, {"pwrite-4k-file", op_pwrite, 1, 10000}, {"pread-4k-file", op_pread, 1, 10000},
  };
  int scale = getenv("SYSCOST_SCALE") ? atoi(getenv("SYSCOST_SCALE")) : 1;
  long touch = getenv("SYSCOST_TOUCH_MB") ? atol(getenv("SYSCOST_TOUCH_MB")) : 0;
  if (touch > 0) {
    char *big = mmap(0, touch << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (big == MAP_FAILED) abort();
    for (long o = 0; o < touch << 20; o += 4096) big[o] = 1;
  }
  const char *only = getenv("SYSCOST_ONLY");
  for (unsigned i = 0; i < sizeof ops / sizeof *ops; i++) {
    if (only && strcmp(only, ops[i].name)) continue;
    long n = ops[i].n / scale; if (n < 10) n = 10;
    double best = 1e9;
    for (int r = 0; r < 5; r++) {
      double t = now();
      for (long k = 0; k < n; k++) ops[i].f();
      double per = (now() - t) / n;
      if (per < best) best = per;
    }
    printf("%s %.0f\n", ops[i].name, best * 1e9 / ops[i].perCall);
  }
  return 0;
}
