/**
 * Memory: bandwidth, latency and page faults. Under a hypervisor every TLB miss walks two page tables
 * (guest, then EPT/NPT), and a fresh page costs a guest fault plus, the first time, an EPT violation on the host.
 * Bandwidth should be close to native; latency over a buffer far larger than the caches and the TLB reach,
 * and page faults, are where the nested walks show.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import type { Suite } from '../types.js';
import type { Workload } from './types.js';

const MiB = 1024 * 1024;
const CACHE_LINE_BYTES = 64;
const PAGE_BYTES = 4096;

function readTrimmed(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** The bracketed choice of a sysfs "a [b] c" setting, e.g. transparent huge pages. */
function sysfsChoice(path: string): string | null {
  const text = readTrimmed(path);
  if (text === null) return null;
  return /\[([^\]]+)\]/.exec(text)?.[1] ?? text;
}

function transparentHugePages(): string | null {
  return sysfsChoice('/sys/kernel/mm/transparent_hugepage/enabled');
}

/** Bytes of a sysfs cache size ("32768K", "1M", "512"), null when unreadable. */
export function parseCacheSize(text: string): number | null {
  const m = /^(\d+)\s*([KMG]?)$/i.exec(text.trim());
  if (!m) return null;
  const mult = { '': 1, K: 1024, M: MiB, G: 1024 * MiB }[(m[2] ?? '').toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * mult;
}

/** Size of the last-level cache (the highest `level` among cpu0's data/unified caches), null where sysfs does not say. */
export function lastLevelCacheBytes(root = '/sys/devices/system/cpu/cpu0/cache'): number | null {
  let best: { level: number; bytes: number } | null = null;
  for (let i = 0; i < 16; i++) {
    const level = Number(readTrimmed(`${root}/index${i}/level`));
    const type = readTrimmed(`${root}/index${i}/type`);
    const bytes = parseCacheSize(readTrimmed(`${root}/index${i}/size`) ?? '');
    if (!Number.isFinite(level) || bytes === null || type === 'Instruction') continue;
    if (!best || level > best.level || (level === best.level && bytes > best.bytes)) best = { level, bytes };
  }
  return best?.bytes ?? null;
}

/** Pointer-chase working set: at least 8x the last-level cache and at least 256 MiB, in whole MiB. */
export function chaseBytesFor(llcBytes: number | null): number {
  return Math.max(256 * MiB, Math.ceil((8 * (llcBytes ?? 0)) / MiB) * MiB);
}

// ---------------------------------------------------------------------------------------------------------
// mem.bandwidth

/** Bytes copied per operation: one 1 MiB block of a buffer far larger than the last-level cache. */
export const BANDWIDTH_BLOCK_BYTES = MiB;

interface BandwidthParams extends Record<string, unknown> {
  bufferBytes: number;
  blockBytes: number;
  counts: string;
}

interface BandwidthState {
  src: Uint8Array[];
  dst: Uint8Array[];
  next: number;
  check: number;
}

export const memBandwidth: Workload<BandwidthParams, BandwidthState> = {
  id: 'mem.bandwidth',
  category: 'memory',
  title: 'Memory copy bandwidth (typed array copy, 1 MiB blocks over 64+ MiB)',
  unit: 'GB/s',
  better: 'higher',
  // One operation copies BANDWIDTH_BLOCK_BYTES; the figure is bytes copied per second in 10^9 bytes.
  figure: { kind: 'rate', scale: BANDWIDTH_BLOCK_BYTES / 1e9 },
  stresses: 'streaming DRAM reads and writes (memcpy); should be near native, a gap points at NUMA or memory throttling',
  inQuick: true,
  initialOperations: 4,
  params: (suite: Suite) => ({
    bufferBytes: (suite === 'quick' ? 64 : 128) * MiB,
    blockBytes: BANDWIDTH_BLOCK_BYTES,
    counts: 'bytes copied (each read once and written once; STREAM Copy would count both, i.e. 2x)',
  }),
  setup(p) {
    const src = new Uint8Array(p.bufferBytes);
    const dst = new Uint8Array(p.bufferBytes);
    // Touch every page of both buffers so no timed copy pays first-touch faults.
    for (let i = 0; i < src.length; i += PAGE_BYTES) src[i] = i & 0xff;
    dst.set(src);
    const blocks = p.bufferBytes / p.blockBytes;
    const views = (b: Uint8Array) => Array.from({ length: blocks }, (_, k) => b.subarray(k * p.blockBytes, (k + 1) * p.blockBytes));
    return { src: views(src), dst: views(dst), next: 0, check: 0 };
  },
  batch(state, operations) {
    // Walk the blocks in order: each block was last touched a whole buffer ago, so it is out of cache.
    const n = state.src.length;
    let k = state.next;
    for (let i = 0; i < operations; i++) {
      (state.dst[k] as Uint8Array).set(state.src[k] as Uint8Array);
      k = k + 1 === n ? 0 : k + 1;
    }
    state.next = k;
    state.check ^= (state.dst[k] as Uint8Array)[0] as number;
  },
};

// ---------------------------------------------------------------------------------------------------------
// mem.latency

/**
 * Sattolo's algorithm: a uniformly random cyclic permutation of 0..n-1 (one cycle through every element).
 * `next()` returns uniform 32-bit unsigned integers. Result: `perm[k]` is the successor of k in the cycle.
 */
export function sattoloCycle(n: number, next: () => number): Uint32Array {
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    // j uniform in [0, i): never i itself, which is what makes the result a single cycle.
    const j = Math.floor((next() / 4294967296) * i);
    const t = perm[i] as number;
    perm[i] = perm[j] as number;
    perm[j] = t;
  }
  return perm;
}

/** A seeded xorshift128 generator of uint32, fast enough to shuffle millions of nodes per round. */
export function xorshift128(seed: Uint32Array): () => number {
  let x = seed[0] || 123456789;
  let y = seed[1] || 362436069;
  let z = seed[2] || 521288629;
  let w = seed[3] || 88675123;
  return () => {
    const t = x ^ (x << 11);
    x = y;
    y = z;
    z = w;
    w = (w ^ (w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    return w;
  };
}

/**
 * The chase buffer: one node per cache line (`stride` Int32 slots), each node's first slot holds the
 * slot index of its successor in a random single cycle. Following `i = buf[i]` visits every line once per lap
 * in an order no prefetcher can guess, and each load depends on the previous one.
 */
export function buildChase(bytes: number, next: () => number): Int32Array {
  const stride = CACHE_LINE_BYTES / 4;
  const nodes = Math.floor(bytes / CACHE_LINE_BYTES);
  const buf = new Int32Array(nodes * stride);
  const perm = sattoloCycle(nodes, next);
  for (let k = 0; k < nodes; k++) buf[k * stride] = (perm[k] as number) * stride;
  return buf;
}

interface LatencyParams extends Record<string, unknown> {
  bufferBytes: number;
  /** Last-level cache the size was derived from (null: sysfs did not say, the 256 MiB floor applies). */
  llcBytes: number | null;
  nodeBytes: number;
  pattern: string;
  transparentHugePages: string | null;
}

interface LatencyState {
  buf: Int32Array;
  i: number;
}

export const memLatency: Workload<LatencyParams, LatencyState> = {
  id: 'mem.latency',
  category: 'memory',
  title: 'Memory latency (random pointer chase, one node per cache line)',
  unit: 'ns/access',
  better: 'lower',
  figure: { kind: 'cost', scale: 1e9 },
  stresses: 'DRAM latency plus TLB misses: under EPT/NPT each miss walks two page tables (RandomAccess -14% under KVM)',
  inQuick: true,
  initialOperations: 10_000,
  params: () => ({
    // Far beyond the last-level cache (8x) and any TLB reach with 4 KiB pages. A guest may not report its cache:
    // compare flags differing params, so both sides of a comparison should show the same size.
    bufferBytes: chaseBytesFor(lastLevelCacheBytes()),
    llcBytes: lastLevelCacheBytes(),
    nodeBytes: CACHE_LINE_BYTES,
    pattern: 'Sattolo single random cycle, dependent loads',
    transparentHugePages: transparentHugePages(),
  }),
  setup(p) {
    const buf = buildChase(p.bufferBytes, xorshift128(new Uint32Array(randomBytes(16).buffer)));
    return { buf, i: 0 };
  },
  batch(state, operations) {
    const buf = state.buf;
    let i = state.i;
    for (let n = 0; n < operations; n++) i = buf[i] as number;
    state.i = i;
  },
};

// ---------------------------------------------------------------------------------------------------------
// mem.pagefault

/**
 * Bytes mapped per operation: above glibc's largest dynamic mmap threshold (32 MiB), so every chunk is a fresh
 * mmap and every free an munmap (with 8 MiB chunks glibc reused its heap after the first few). Teardown checks
 * the fault count (or, where the kernel counts none, that a chunk still maps afresh: `freshMemoryEvidence`), so
 * reused memory can never pass as page faults.
 */
export const PAGEFAULT_CHUNK_BYTES = 40 * MiB;
const PAGES_PER_CHUNK = PAGEFAULT_CHUNK_BYTES / PAGE_BYTES;

/** Minor faults of this process so far (field 10 of /proc/self/stat), or null where there is no procfs. */
export function minorFaults(stat = '/proc/self/stat'): number | null {
  const text = readTrimmed(stat);
  if (text === null) return null;
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const v = Number(fields[7]);
  return Number.isFinite(v) ? v : null;
}

/** Pages this process has mapped (field 1 of /proc/self/statm), or null where there is no procfs. */
export function mappedPages(statm = '/proc/self/statm'): number | null {
  const v = Number(readTrimmed(statm)?.split(' ')[0]);
  return Number.isFinite(v) && v > 0 ? v : null;
}

/**
 * How this process shows that every chunk is fresh memory, so the figure is page faults and not allocator reuse:
 * - `minor-faults`: the kernel counts the faults (/proc/self/stat); teardown checks one fault per page touched;
 * - `mappings`: the kernel counts no faults (gVisor's application kernel reports 0 minor faults, in /proc/self/stat
 *   and in getrusage) but the process's mapped size (/proc/self/statm) grows by a chunk when one is allocated: a
 *   fresh mmap, whose pages are not backed until written. glibc maps every allocation above its largest mmap
 *   threshold (32 MiB) afresh, so one chunk shown fresh at setup and one at teardown stand for the run;
 * - `unchecked`: no procfs; measured without a check.
 * Or `{ problem }`: why it cannot be shown (the workload is skipped with it).
 */
export type FreshMemoryEvidence = 'minor-faults' | 'mappings' | 'unchecked';

/** A new chunk with every page written once (a write: a real page, not the shared zero page). */
function writtenChunk(): Uint8Array {
  const chunk = new Uint8Array(PAGEFAULT_CHUNK_BYTES);
  for (let p = 0; p < PAGEFAULT_CHUNK_BYTES; p += PAGE_BYTES) chunk[p] = 1;
  return chunk;
}

function chunkIsMappedAfresh(mapped: () => number | null): boolean {
  const before = mapped();
  const chunk = writtenChunk();
  const during = mapped();
  return before !== null && during !== null && during - before >= 0.9 * PAGES_PER_CHUNK && chunk[0] === 1;
}

export function freshMemoryEvidence(
  faults: () => number | null = minorFaults,
  mapped: () => number | null = mappedPages,
): FreshMemoryEvidence | { problem: string } {
  const before = faults();
  if (before === null) return 'unchecked';
  const chunk = writtenChunk();
  const after = faults();
  if (after !== null && after - before > 0 && chunk[0] === 1) return 'minor-faults';
  if (chunkIsMappedAfresh(mapped)) return 'mappings';
  return {
    problem:
      `this kernel counts no minor page faults (/proc/self/stat field minflt stayed at ${before} while ${PAGES_PER_CHUNK} fresh pages were written) ` +
      `and a ${PAGEFAULT_CHUNK_BYTES / MiB} MiB allocation did not grow the mapped size (/proc/self/statm), so page faults cannot be told from reused memory`,
  };
}

/** Why page faults cannot be measured here, or null when they can (`freshMemoryEvidence`). */
export function pageFaultCountingProblem(
  faults: () => number | null = minorFaults,
  mapped: () => number | null = mappedPages,
): string | null {
  const e = freshMemoryEvidence(faults, mapped);
  return typeof e === 'string' ? null : e.problem;
}

/** `gc()` even when the process was not started with --expose-gc (tests run in-process). */
function garbageCollector(): () => void {
  type Gc = (o?: { type: 'minor' | 'major' }) => void;
  let g = (globalThis as { gc?: Gc }).gc;
  if (typeof g !== 'function') {
    setFlagsFromString('--expose-gc');
    g = runInNewContext('gc') as Gc;
  }
  const gc = g;
  // A minor gc (scavenge) frees the just-dropped young ArrayBuffer; a full gc costs milliseconds more per chunk.
  return () => gc({ type: 'minor' });
}

interface PageFaultParams extends Record<string, unknown> {
  chunkBytes: number;
  pageBytes: number;
  measures: string;
  transparentHugePages: string | null;
}

interface PageFaultState {
  gc: () => void;
  sum: number;
  pagesTouched: number;
  faultsAtSetup: number | null;
  evidence: FreshMemoryEvidence;
}

export const memPageFault: Workload<PageFaultParams, PageFaultState> = {
  id: 'mem.pagefault',
  category: 'memory',
  title: 'Page faults (map fresh memory, write once per 4 KiB page, unmap)',
  unit: 'ns/page',
  better: 'lower',
  // One operation maps, faults in and releases one 40 MiB chunk; the figure is per 4 KiB page.
  figure: { kind: 'cost', scale: 1e9 / PAGES_PER_CHUNK },
  stresses: 'anonymous page faults, zeroing and unmapping: a guest fault on a never-backed page also exits to the host (EPT violation)',
  inQuick: true,
  kernelTime: true,
  initialOperations: 1,
  params: () => ({
    chunkBytes: PAGEFAULT_CHUNK_BYTES,
    pageBytes: PAGE_BYTES,
    measures:
      'per 4 KiB page: share of mmap (calloc of a 40 MiB ArrayBuffer), one write fault per page (kernel zero-fill), ' +
      'and munmap after a minor V8 gc (scavenge) that frees the young buffer on this thread (concurrent array-buffer ' +
      'sweeping is turned off so the unmap is inside the timed batch; the scavenge itself is small beside the munmap)',
    transparentHugePages: transparentHugePages(),
  }),
  available: () => pageFaultCountingProblem(),
  setup() {
    // Otherwise V8 frees array buffers on a background thread, after (and beside) the timed batch.
    setFlagsFromString('--no-concurrent-array-buffer-sweeping');
    const evidence = freshMemoryEvidence();
    if (typeof evidence !== 'string') throw new Error(evidence.problem);
    return { gc: garbageCollector(), sum: 0, pagesTouched: 0, faultsAtSetup: minorFaults(), evidence };
  },
  batch(state, operations) {
    for (let n = 0; n < operations; n++) {
      let chunk: Uint8Array | null = writtenChunk();
      state.sum += chunk[PAGEFAULT_CHUNK_BYTES - PAGE_BYTES] as number;
      chunk = null;
      state.gc(); // minor gc frees the ArrayBuffer: glibc munmaps an mmapped chunk
    }
    state.pagesTouched += operations * PAGES_PER_CHUNK;
  },
  teardown(state) {
    if (state.evidence === 'mappings') {
      if (!chunkIsMappedAfresh(mappedPages))
        throw new Error('a chunk allocated at teardown did not grow the mapped size: memory was reused, not fresh');
      return;
    }
    const now = minorFaults();
    if (state.evidence !== 'minor-faults' || state.faultsAtSetup === null || now === null) return;
    const faults = now - state.faultsAtSetup;
    // Every touched page must have faulted; fewer means the allocator reused memory and the figure is not faults.
    if (faults < 0.9 * state.pagesTouched) {
      throw new Error(`only ${faults} page faults for ${state.pagesTouched} pages touched: memory was reused, not fresh`);
    }
  },
};

export const memoryWorkloads = [memBandwidth, memLatency, memPageFault];
