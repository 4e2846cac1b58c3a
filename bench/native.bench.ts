/**
 * virtax workloads side by side with native references, in one run, alternating passes so drift hits both:
 *   sys.stat      vs a C loop of stat(2) of the same path
 *   sys.read      vs a C loop of read(2) of 1 byte from /dev/zero
 *   sys.clock     vs a C loop of clock_gettime(CLOCK_MONOTONIC)
 *   mem.pagefault vs a C loop of mmap 40 MiB, write one byte per 4 KiB page, munmap (per page)
 *   net.tcp-rtt   vs sockperf ping-pong --tcp -m 64 --full-rtt on loopback (mean round trip)
 * For each: the wall-time ratio virtax / native, and where the workload records it, the kernel-time ratio
 * (virtax's kernelSecondsPerOp / the C loop's system CPU per op from getrusage). The C loops are built here with
 * the system `cc`; a reference that cannot be built or is not installed is skipped with the reason.
 * `npm run bench native`. The machine may be shared: the load average is printed with the numbers.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildProcessExecutor } from '../src/probes/engine/executor.js';
import { spawnLoopbackPeer } from '../src/probes/peers/peer.js';
import { SUITES } from '../src/probes/engine/suites.js';
import { formatTable } from '../src/report/table.js';
import { median } from '../src/stats/describe.js';
import type { PeerAddress } from '../src/workloads/types.js';
import { parseSockperf } from './net.bench.js';

const C_SOURCE = String.raw`
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static double sys_s(void) { struct rusage r; getrusage(RUSAGE_SELF, &r); return r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6; }
int main(int argc, char **argv) {
  if (argc < 3) return 2;
  const char *mode = argv[1]; long n = atol(argv[2]); const char *path = argc > 3 ? argv[3] : "/";
  volatile long sink = 0; double t0, s0, t1, s1; long ops = n;
  if (!strcmp(mode, "stat")) {
    struct stat st; t0 = now(); s0 = sys_s();
    for (long i = 0; i < n; i++) { stat(path, &st); sink += st.st_size; }
  } else if (!strcmp(mode, "read")) {
    int fd = open("/dev/zero", O_RDONLY); char b; t0 = now(); s0 = sys_s();
    for (long i = 0; i < n; i++) sink += read(fd, &b, 1);
  } else if (!strcmp(mode, "clock")) {
    struct timespec t; t0 = now(); s0 = sys_s();
    for (long i = 0; i < n; i++) { clock_gettime(CLOCK_MONOTONIC, &t); sink += t.tv_nsec; }
  } else if (!strcmp(mode, "pagefault")) {
    size_t C = 40u << 20; t0 = now(); s0 = sys_s();
    for (long i = 0; i < n; i++) {
      char *p = mmap(0, C, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      for (size_t k = 0; k < C; k += 4096) p[k] = 1;
      sink += p[C - 4096]; munmap(p, C);
    }
    ops = n * (long)(C / 4096);
  } else if (!strcmp(mode, "xorshift")) {
    uint32_t x = 2463534242u; t0 = now(); s0 = sys_s();
    for (long i = 0; i < n; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; }
    sink += x;
  } else if (!strcmp(mode, "float")) {
    double x = 1.000001; t0 = now(); s0 = sys_s();
    for (long i = 0; i < n; i++) x = __builtin_sqrt(x * 1.0000001 + 0.5) + 0.25;
    sink += (long)x;
  } else if (!strcmp(mode, "chase")) {
    /* 256 MiB, one node per 64-byte line, Sattolo single cycle (as mem.latency). */
    long nodes = (256L << 20) / 64; int *buf = malloc(nodes * 64); long *perm = malloc(nodes * sizeof(long));
    uint64_t r = 88172645463325252ull;
    for (long k = 0; k < nodes; k++) perm[k] = k;
    for (long k = nodes - 1; k > 0; k--) { r ^= r << 13; r ^= r >> 7; r ^= r << 17; long j = (long)(r % (uint64_t)k); long t = perm[k]; perm[k] = perm[j]; perm[j] = t; }
    for (long k = 0; k < nodes; k++) buf[k * 16] = (int)(perm[k] * 16);
    free(perm);
    long i = 0; for (long k = 0; k < nodes; k++) i = buf[i]; /* one lap to fault in and warm */
    t0 = now(); s0 = sys_s();
    for (long k = 0; k < n; k++) i = buf[i];
    sink += i;
  } else if (!strcmp(mode, "spawn")) {
    char *args[] = { "/bin/true", 0 }; char *env[] = { 0 }; t0 = now(); s0 = sys_s();
    for (long i = 0; i < n; i++) {
      pid_t p = fork();
      if (p == 0) { execve("/bin/true", args, env); _exit(127); }
      int st; waitpid(p, &st, 0); sink += st;
    }
  } else if (!strcmp(mode, "fsync")) {
    char f[4096]; snprintf(f, sizeof f, "%s/.virtax-native-fsync-%d", path, (int)getpid());
    int fd = open(f, O_RDWR | O_CREAT | O_TRUNC, 0600); char b[4096]; memset(b, 0x5a, sizeof b);
    for (int k = 0; k < 256; k++) pwrite(fd, b, 4096, (off_t)k * 4096);
    fdatasync(fd); t0 = now(); s0 = sys_s();
    for (long i = 0; i < n; i++) { b[0] = (char)i; pwrite(fd, b, 4096, (off_t)(i % 256) * 4096); fdatasync(fd); }
    close(fd); unlink(f);
  } else return 2;
  t1 = now(); s1 = sys_s();
  if (!strcmp(mode, "spawn")) { struct rusage c; getrusage(RUSAGE_CHILDREN, &c); s1 += c.ru_stime.tv_sec + c.ru_stime.tv_usec / 1e6; }
  printf("%.6g %.6g %ld\n", (t1 - t0) / ops, (s1 - s0) / ops, (long)sink);
  return 0;
}
`;

interface Pair {
  id: string;
  cMode: string | null;
  /** C iterations per pass (pagefault: chunks). */
  cIterations: number;
  /** virtax figure unit -> seconds per op. */
  toSeconds: (figure: number) => number;
  /** Argument after the iteration count (a path); default the node binary. */
  cArg?: 'ioDir';
  /** Reference operations in one virtax operation (mem.pagefault: one 40 MiB chunk is 10,240 pages). */
  perOperation?: number;
  reference: string;
}

const PAIRS: Pair[] = [
  { id: 'cpu.int', cMode: 'xorshift', cIterations: 200_000_000, toSeconds: (f) => 1 / (f * 1e6), reference: 'C xorshift32 loop (-O2)' },
  { id: 'cpu.float', cMode: 'float', cIterations: 50_000_000, toSeconds: (f) => 1 / (f * 1e6), reference: 'C sqrt(x*a+b)+c chain (-O2)' },
  { id: 'mem.latency', cMode: 'chase', cIterations: 3_000_000, toSeconds: (f) => f / 1e9, reference: 'C pointer chase, 256 MiB Sattolo' },
  { id: 'sys.stat', cMode: 'stat', cIterations: 300_000, toSeconds: (f) => f / 1e9, reference: 'C stat(2) loop' },
  { id: 'sys.read', cMode: 'read', cIterations: 1_000_000, toSeconds: (f) => f / 1e9, reference: 'C read(2) loop' },
  { id: 'sys.clock', cMode: 'clock', cIterations: 5_000_000, toSeconds: (f) => f / 1e9, reference: 'C clock_gettime loop' },
  {
    id: 'mem.pagefault',
    cMode: 'pagefault',
    cIterations: 30,
    toSeconds: (f) => f / 1e9,
    perOperation: 10_240,
    reference: 'C mmap/touch/munmap loop (per page)',
  },
  { id: 'proc.spawn', cMode: 'spawn', cIterations: 300, toSeconds: (f) => f / 1e6, reference: 'C fork+execve /bin/true+waitpid' },
  { id: 'io.fsync', cMode: 'fsync', cIterations: 200, cArg: 'ioDir', toSeconds: (f) => f / 1e6, reference: 'C pwrite 4 KiB + fdatasync' },
  { id: 'net.tcp-rtt', cMode: null, cIterations: 0, toSeconds: (f) => f / 1e6, reference: 'sockperf --full-rtt mean' },
];

export function buildC(dir: string): string {
  const src = join(dir, 'native.c');
  const bin = join(dir, 'native');
  writeFileSync(src, C_SOURCE);
  const r = spawnSync('cc', ['-O2', '-o', bin, src, '-lm'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`cc failed: ${r.error?.message ?? r.stderr.trim().split('\n')[0]}`);
  return bin;
}

function runC(bin: string, mode: string, n: number, path: string): { wall: number; sys: number } {
  const r = spawnSync(bin, [mode, String(n), path], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`native ${mode} exited ${r.status}`);
  const [wall, sys] = r.stdout.trim().split(/\s+/).map(Number);
  return { wall: wall as number, sys: sys as number };
}

function sockperfMeanSeconds(port: number, seconds: number): number {
  const r = spawnSync(
    'sockperf',
    ['ping-pong', '--tcp', '-i', '127.0.0.1', '-p', String(port), '-m', '64', '-t', String(seconds), '--full-rtt'],
    {
      encoding: 'utf8',
      timeout: (seconds + 20) * 1000,
    },
  );
  return parseSockperf(`${r.stdout}\n${r.stderr}`).avgUs / 1e6;
}

const fmt = (s: number | null): string => {
  if (s === null || !Number.isFinite(s)) return '-';
  if (s >= 1e-6) return `${(s * 1e6).toPrecision(3)} us`;
  return `${(s * 1e9).toPrecision(3)} ns`;
};
const ratio = (a: number | null, b: number | null): string => (a !== null && b !== null && b > 0 ? `${(a / b).toFixed(2)}x` : '-');

export async function run(passes = Number(process.env.VIRTAX_BENCH_PASSES ?? 5)): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'virtax-native-'));
  // Storage on the disk under the current directory (tmpdir may be a tmpfs, which io.fsync skips).
  const ioDir = process.env.VIRTAX_BENCH_IO_DIR ?? process.cwd();
  const load0 = loadavg()[0] ?? 0;
  let bin: string | null = null;
  try {
    bin = buildC(dir);
  } catch (e) {
    console.log(`C references skipped: ${(e as Error).message}`);
  }
  const haveSockperf = !spawnSync('sockperf', ['--version']).error;
  if (!haveSockperf) console.log('sockperf not installed (apt-get install -y sockperf): net.tcp-rtt reference skipped');
  const sockPort = 12000 + Math.floor(Math.random() * 1000);
  const server = haveSockperf
    ? spawn('sockperf', ['server', '--tcp', '-i', '127.0.0.1', '-p', String(sockPort)], { stdio: 'ignore' })
    : null;
  const peer = await spawnLoopbackPeer({ quiet: true });
  const peerAddr: PeerAddress = { host: peer.host, port: peer.port, kind: 'loopback' };
  await new Promise((r) => setTimeout(r, 500));
  const executor = new ChildProcessExecutor();
  const plan = SUITES.standard.plan;
  const acc = new Map<string, { vWall: number[]; vSys: number[]; nWall: number[]; nSys: number[]; contended: number }>();
  for (const p of PAIRS) acc.set(p.id, { vWall: [], vSys: [], nWall: [], nSys: [], contended: 0 });
  try {
    for (let pass = 0; pass < passes; pass++) {
      for (const p of PAIRS) {
        const a = acc.get(p.id)!;
        if (p.cMode && bin) {
          const c = runC(bin, p.cMode, p.cIterations, p.cArg === 'ioDir' ? ioDir : process.execPath);
          a.nWall.push(c.wall);
          a.nSys.push(c.sys);
        } else if (!p.cMode && haveSockperf) a.nWall.push(sockperfMeanSeconds(sockPort, 2));
        const reply = await executor.runRound({
          workloadId: p.id,
          suite: 'standard',
          ctx: { suite: 'standard', peer: peerAddr, scratchDir: dir, ioDir },
          plan,
        });
        if (reply.status !== 'ok') {
          console.log(`${p.id}: ${reply.status}: ${reply.reason}`);
          continue;
        }
        a.vWall.push(p.toSeconds(reply.outcome.round.figure));
        if (reply.outcome.round.kernelSecondsPerOp !== undefined)
          a.vSys.push(reply.outcome.round.kernelSecondsPerOp / (p.perOperation ?? 1));
        if (reply.outcome.round.conditions?.contended) a.contended++;
      }
      console.log(`pass ${pass + 1}/${passes} done (load average ${(loadavg()[0] ?? 0).toFixed(1)})`);
    }
  } finally {
    server?.kill('SIGTERM');
    await peer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const med = (xs: number[]) => (xs.length ? median(xs) : null);
  const rows = PAIRS.map((p) => {
    const a = acc.get(p.id)!;
    const vw = med(a.vWall);
    const nw = med(a.nWall);
    const vs = med(a.vSys);
    const ns = med(a.nSys);
    return [p.id, p.reference, fmt(vw), fmt(nw), ratio(vw, nw), fmt(vs), fmt(ns), ratio(vs, ns), `${a.contended}/${a.vWall.length}`];
  });
  console.log(
    formatTable(
      [
        'workload',
        'native reference',
        'virtax wall/op',
        'native wall/op',
        'wall ratio',
        'virtax kernel/op',
        'native kernel/op',
        'kernel ratio',
        'contended',
      ],
      rows,
      ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
  );
  console.log(
    `medians of ${passes} alternating passes; load average ${load0.toFixed(1)} at start, ${(loadavg()[0] ?? 0).toFixed(1)} at end on ${spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()} CPUs (a shared machine reads slower and noisier on both sides)`,
  );
}
