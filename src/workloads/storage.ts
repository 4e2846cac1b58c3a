/**
 * Storage: the latency of a durable small write. An fdatasync goes through the guest's block layer, the
 * virtual device (virtio-blk, NVMe emulation, a network volume) and the host's cache policy; a container's
 * overlay adds its own layer. On tmpfs it reaches no device at all: skipped unless --io-dir chose it on purpose.
 * Params record the filesystem, the block device and its write-cache mode.
 */
import {
  accessSync,
  closeSync,
  constants,
  fdatasyncSync,
  openSync,
  readFileSync,
  realpathSync,
  rmSync,
  statfsSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import type { Workload } from './types.js';

const BLOCK_BYTES = 4096;
/** The file cycles over this many blocks (as pg_test_fsync does), preallocated so no write extends it. */
const FILE_BLOCKS = 256;

/** Filesystem magic numbers (statfs f_type) we can name. */
const FS_MAGIC: Record<number, string> = {
  0x01021994: 'tmpfs',
  0x794c7630: 'overlay',
  0xef53: 'ext4',
  0x58465342: 'xfs',
  0x9123683e: 'btrfs',
  0x6969: 'nfs',
  0x65735546: 'fuse',
  0x2fc12fc1: 'zfs',
  0x858458f6: 'ramfs',
  0x01021997: '9p',
  0x5346544e: 'ntfs',
  0x4d44: 'vfat',
  0x73717368: 'squashfs',
  0x794c7631: 'overlay',
};

/** Name of a statfs type magic, or its hex when unknown. */
export function filesystemName(magic: number): string {
  return FS_MAGIC[magic] ?? `0x${magic.toString(16)}`;
}

/** Major and minor numbers of a Linux dev_t (glibc's encoding). */
export function devNumbers(dev: bigint): { major: number; minor: number } {
  const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
  return { major, minor };
}

function readTrim(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/**
 * The block device under `dir` and its write-cache mode (`/sys/block/<dev>/queue/write_cache`: "write back" means
 * a flush must reach the device's cache policy, "write through" that the device claims none), nulls when unknown
 * (tmpfs, overlay on a non-block filesystem, no sysfs).
 */
export function blockDeviceOf(dir: string, sys = '/sys/dev/block'): { device: string | null; writeCache: string | null } {
  try {
    const { major, minor } = devNumbers(statSync(dir, { bigint: true }).dev);
    const node = realpathSync(`${sys}/${major}:${minor}`);
    // A partition's queue/ is its parent disk's.
    const writeCache = readTrim(`${node}/queue/write_cache`) ?? readTrim(`${node}/../queue/write_cache`);
    return { device: basename(node), writeCache };
  } catch {
    return { device: null, writeCache: null };
  }
}

/** Why a storage workload cannot measure in `dir` (a memory filesystem not chosen on purpose, or not writable); null: go ahead. */
export function storageDirReason(filesystem: string | null, dir: string, chosen: boolean): string | null {
  const why = memoryFilesystemReason(filesystem, dir, chosen);
  if (why) return why;
  try {
    accessSync(dir, constants.W_OK);
    return null;
  } catch (e) {
    return `cannot write to ${dir}: ${(e as Error).message}`;
  }
}

/** Why a storage workload must not report a figure for this filesystem (null: go ahead). */
export function memoryFilesystemReason(filesystem: string | null, dir: string, chosen: boolean): string | null {
  if ((filesystem === 'tmpfs' || filesystem === 'ramfs') && !chosen) {
    return `${dir} is on ${filesystem}: a flush reaches no device; pass --io-dir to a disk-backed directory (or to this one on purpose)`;
  }
  return null;
}

interface FsyncParams extends Record<string, unknown> {
  dir: string;
  filesystem: string | null;
  /** Block device under dir (vda, nvme0n1p1, ...), null when none (tmpfs) or unknown. */
  blockDevice: string | null;
  /** Its write-cache mode from sysfs ("write back" / "write through"), null when unknown. */
  writeCache: string | null;
  /** True when --io-dir chose the directory (a tmpfs is then measured on purpose). */
  dirChosen: boolean;
  blockBytes: number;
  fileBytes: number;
  call: string;
  note?: string;
}

interface FsyncState {
  fd: number;
  path: string;
  block: Buffer;
  next: number;
}

export const ioFsync: Workload<FsyncParams, FsyncState> = {
  id: 'io.fsync',
  category: 'storage',
  title: 'Durable 4 KiB writes (pwrite + fdatasync)',
  unit: 'us/fsync',
  better: 'lower',
  figure: { kind: 'cost', scale: 1e6 },
  stresses: 'a write that must reach stable storage: the virtual block device, host cache policy and flush path',
  inQuick: true,
  kernelTime: true,
  initialOperations: 1,
  params(_suite, ctx) {
    let filesystem: string | null = null;
    try {
      filesystem = filesystemName(statfsSync(ctx.ioDir).type);
    } catch {
      filesystem = null;
    }
    const p: FsyncParams = {
      dir: ctx.ioDir,
      filesystem,
      ...(() => {
        const b = blockDeviceOf(ctx.ioDir);
        return { blockDevice: b.device, writeCache: b.writeCache };
      })(),
      dirChosen: ctx.ioDirChosen === true,
      blockBytes: BLOCK_BYTES,
      fileBytes: BLOCK_BYTES * FILE_BLOCKS,
      call: 'fs.writeSync at rotating 4 KiB offsets of a preallocated file, then fs.fdatasyncSync',
    };
    if (filesystem === 'tmpfs' || filesystem === 'ramfs')
      p.note = `${filesystem} chosen with --io-dir: fdatasync reaches no device, this measures memory`;
    if (filesystem === 'overlay')
      p.note = 'overlay: the write lands in the container upper layer (its backing filesystem decides the cost)';
    return p;
  },
  available(p) {
    return storageDirReason(p.filesystem, p.dir, p.dirChosen);
  },
  setup(p) {
    const path = join(p.dir, `.virtax-fsync-${process.pid}-${Date.now().toString(36)}`);
    const fd = openSync(path, 'w+', 0o600);
    const block = Buffer.alloc(BLOCK_BYTES, 0x5a);
    try {
      for (let k = 0; k < FILE_BLOCKS; k++) writeSync(fd, block, 0, BLOCK_BYTES, k * BLOCK_BYTES);
      fdatasyncSync(fd);
    } catch (e) {
      closeSync(fd);
      rmSync(path, { force: true });
      throw e;
    }
    return { fd, path, block, next: 0 };
  },
  batch(state, operations) {
    for (let i = 0; i < operations; i++) {
      state.block[0] = i & 0xff;
      writeSync(state.fd, state.block, 0, BLOCK_BYTES, state.next * BLOCK_BYTES);
      fdatasyncSync(state.fd);
      state.next = (state.next + 1) % FILE_BLOCKS;
    }
  },
  teardown(state) {
    closeSync(state.fd);
    rmSync(state.path, { force: true });
  },
};

export const storageWorkloads = [ioFsync];
