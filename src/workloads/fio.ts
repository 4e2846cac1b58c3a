/**
 * Storage beyond fsync: random 4 KiB reads and writes at queue depth 1 and 32, bypassing the page cache
 * (O_DIRECT, libaio), measured by fio (PerfKit's way: wrap the tool, parse its JSON with a pure function tested
 * on captured output). Random I/O was the largest tax in Felter et al. (-45 to -51% under KVM at depth 128).
 *
 * Each timed batch is one fio run of `batchMs` on a preallocated file in --io-dir; the batch measures itself
 * (fio's own I/O count and runtime). Queue depth 1 reports the time per I/O (latency, lower is better), depth 32
 * the I/O rate (kIO/s, higher is better). Skipped with the reason when fio is missing or the directory is a
 * memory filesystem (no device; O_DIRECT is refused there anyway) unless --io-dir chose it.
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { closeSync, constants, openSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { blockDeviceOf, filesystemName, storageDirReason } from './storage.js';
import type { AnyWorkload, BatchMeasure, Workload } from './types.js';

/** One direction of one fio job, as parsed from `--output-format=json`. */
export interface FioResult {
  /** I/Os completed. */
  ios: number;
  /** Seconds fio measured them over. */
  seconds: number;
  iops: number;
  /** Mean and 99th-percentile completion latency, ns (p99 null when fio did not report percentiles). */
  clatMeanNs: number;
  clatP99Ns: number | null;
  /** fio's job error code (0 = none). */
  error: number;
}

/** Parse fio's JSON output for direction `dir` of its first job (pure; throws with a one-line reason). */
export function parseFioJson(text: string, dir: 'read' | 'write'): FioResult {
  // fio may print warnings before the JSON document.
  const start = text.indexOf('{');
  if (start < 0) throw new Error('fio printed no JSON');
  let doc: unknown;
  try {
    doc = JSON.parse(text.slice(start));
  } catch (e) {
    throw new Error(`fio JSON did not parse: ${(e as Error).message}`);
  }
  const job = (doc as { jobs?: Record<string, unknown>[] }).jobs?.[0];
  if (!job) throw new Error('fio JSON has no jobs');
  const d = job[dir] as
    { total_ios?: number; runtime?: number; iops?: number; clat_ns?: { mean?: number; percentile?: Record<string, number> } } | undefined;
  if (!d || typeof d.total_ios !== 'number' || typeof d.runtime !== 'number') throw new Error(`fio JSON has no ${dir} figures`);
  const p99 = d.clat_ns?.percentile?.['99.000000'];
  return {
    ios: d.total_ios,
    seconds: d.runtime / 1000,
    iops: d.iops ?? (d.runtime > 0 ? d.total_ios / (d.runtime / 1000) : 0),
    clatMeanNs: d.clat_ns?.mean ?? 0,
    clatP99Ns: typeof p99 === 'number' ? p99 : null,
    error: typeof job.error === 'number' ? job.error : 0,
  };
}

/** fio's version, or null when it is not installed. */
export function fioVersion(bin = 'fio'): string | null {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? r.stdout.trim() : null;
}

interface FioParams extends Record<string, unknown> {
  dir: string;
  filesystem: string | null;
  blockDevice: string | null;
  writeCache: string | null;
  dirChosen: boolean;
  rw: 'randread' | 'randwrite';
  blockBytes: number;
  queueDepth: number;
  fileBytes: number;
  batchMs: number;
  engine: string;
  fio: string | null;
}

interface FioState {
  p: FioParams;
  file: string;
}

const MiB = 1024 * 1024;

function fioArgs(p: FioParams, file: string, runtimeMs: number): string[] {
  return [
    '--name=virtax',
    `--filename=${file}`,
    `--size=${p.fileBytes}`,
    `--rw=${p.rw}`,
    `--bs=${p.blockBytes}`,
    `--iodepth=${p.queueDepth}`,
    `--ioengine=${p.engine}`,
    '--direct=1',
    `--runtime=${runtimeMs}ms`,
    '--time_based',
    // Fresh offsets every batch from a seed given here: without one (randrepeat=0) fio opens /dev/urandom per
    // run, and under gVisor that open failed now and then (ENOENT, "setup_random_seeds"), failing a whole workload.
    `--randseed=${randomInt(1, 2 ** 31)}`,
    '--output-format=json',
  ];
}

/**
 * Why `dir` cannot take direct I/O (null: it can, or the probe could not tell and fio will): a filesystem that
 * refuses O_DIRECT (UML's hostfs, older tmpfs) would fail every round, so the workload is skipped with the reason.
 */
export function directIoReason(
  dir: string,
  filesystem: string | null,
  open: (path: string, flags: number) => number = (path, flags) => openSync(path, flags, 0o600),
): string | null {
  const probe = join(dir, `.virtax-odirect-${process.pid}`);
  try {
    closeSync(open(probe, constants.O_CREAT | constants.O_RDWR | constants.O_DIRECT));
    return null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EINVAL') return null;
    return `${dir}${filesystem ? ` (${filesystem})` : ''} does not support direct I/O (O_DIRECT): random I/O that bypasses the page cache cannot be measured there; pass --io-dir to a directory on a block device`;
  } finally {
    rmSync(probe, { force: true });
  }
}

function runFio(p: FioParams, file: string, runtimeMs: number): FioResult {
  const r = spawnSync('fio', fioArgs(p, file, runtimeMs), { encoding: 'utf8', timeout: 60_000, maxBuffer: 16 * MiB });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`fio exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').pop() ?? ''}`);
  const res = parseFioJson(r.stdout, p.rw === 'randread' ? 'read' : 'write');
  if (res.error) throw new Error(`fio job error ${res.error}`);
  if (!(res.ios > 0 && res.seconds > 0)) throw new Error(`fio completed ${res.ios} I/Os in ${res.seconds} s`);
  return res;
}

function fioWorkload(rw: FioParams['rw'], queueDepth: number): Workload<FioParams, FioState> {
  const latency = queueDepth === 1;
  const verb = rw === 'randread' ? 'read' : 'write';
  return {
    id: `io.${rw}-qd${queueDepth}`,
    category: 'storage',
    title: `Random 4 KiB ${verb}s, queue depth ${queueDepth}, direct I/O (fio)`,
    unit: latency ? 'us/io' : 'kIO/s',
    better: latency ? 'lower' : 'higher',
    figure: latency ? { kind: 'cost', scale: 1e6 } : { kind: 'rate', scale: 1e-3 },
    stresses: `random ${verb}s that bypass the page cache: the virtual block device, its queue${queueDepth > 1 ? ' and how many requests it keeps in flight' : ' and one request at a time (latency)'}`,
    inQuick: false,
    kernelTime: true,
    // One fio run per batch; the batch reports fio's own count and runtime.
    fixedBatchOperations: 1,
    warmup: { maxSeconds: 0.6 },
    params(suite, ctx) {
      let filesystem: string | null = null;
      try {
        filesystem = filesystemName(statfsSync(ctx.ioDir).type);
      } catch {
        filesystem = null;
      }
      const b = blockDeviceOf(ctx.ioDir);
      return {
        dir: ctx.ioDir,
        filesystem,
        blockDevice: b.device,
        writeCache: b.writeCache,
        dirChosen: ctx.ioDirChosen === true,
        rw,
        blockBytes: 4096,
        queueDepth,
        fileBytes: (suite === 'full' ? 1024 : 256) * MiB,
        batchMs: suite === 'full' ? 250 : 100,
        engine: 'libaio',
        fio: fioVersion(),
      };
    },
    available(p) {
      if (!p.fio) return 'fio is not installed (apt-get install fio): random direct I/O is measured with it';
      return storageDirReason(p.filesystem, p.dir, p.dirChosen) ?? directIoReason(p.dir, p.filesystem);
    },
    setup(p) {
      const file = join(p.dir, `.virtax-fio-${process.pid}-${Date.now().toString(36)}`);
      // A short first run lays the file out (fio writes it fully before reading it).
      runFio(p, file, 50);
      return { p, file };
    },
    batch(state): BatchMeasure {
      const r = runFio(state.p, state.file, state.p.batchMs);
      return { operations: r.ios, seconds: r.seconds };
    },
    teardown(state) {
      rmSync(state.file, { force: true });
    },
  };
}

export const fioWorkloads: AnyWorkload[] = [
  fioWorkload('randread', 1),
  fioWorkload('randwrite', 1),
  fioWorkload('randread', 32),
  fioWorkload('randwrite', 32),
];
