/**
 * Crypto through Node's OpenSSL. What virtualization changes here is whether the guest sees the CPU's
 * acceleration (AES-NI, SHA extensions, RDRAND): a hypervisor or a conservative CPU model can hide them,
 * and OpenSSL then falls back to table or generic code several times slower. The flags are recorded in params.
 */
import { createCipheriv, createHash, generateKeyPairSync, randomFillSync, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Workload } from './types.js';

const KiB = 1024;
/** Bytes per operation of the bulk crypto workloads (matches `openssl speed -bytes 16384`). */
export const CRYPTO_BLOCK_BYTES = 16 * KiB;
/** Bytes per randomFillSync call. */
export const RANDOM_BLOCK_BYTES = 4 * KiB;

/** The CPU flags that decide whether OpenSSL can use hardware for these workloads. */
export interface CryptoCpuFlags {
  aes: boolean;
  sha: boolean;
  rdrand: boolean;
  rdseed: boolean;
  pclmulqdq: boolean;
}

/** Parse the first `flags` line of /proc/cpuinfo (null when there is none, e.g. not x86). */
export function parseCryptoFlags(cpuinfo: string): CryptoCpuFlags | null {
  const line = /^(?:flags|Features)\s*:\s*(.*)$/m.exec(cpuinfo)?.[1];
  if (line === undefined) return null;
  const f = new Set(line.split(/\s+/));
  return {
    aes: f.has('aes'),
    sha: f.has('sha_ni') || f.has('sha2'),
    rdrand: f.has('rdrand'),
    rdseed: f.has('rdseed'),
    pclmulqdq: f.has('pclmulqdq') || f.has('pmull'),
  };
}

function cpuFlags(): CryptoCpuFlags | null {
  try {
    return parseCryptoFlags(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return null;
  }
}

function opensslVersion(): string {
  return process.versions.openssl ?? 'unknown';
}

/** Deterministic, non-trivial input (contents do not change the speed of these algorithms). */
function input(bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) b[i] = (i * 131 + 7) & 0xff;
  return b;
}

interface BulkParams extends Record<string, unknown> {
  blockBytes: number;
  openssl: string;
  cpuFlags: CryptoCpuFlags | null;
  note?: string;
}

const bulkParams = (): BulkParams => ({ blockBytes: CRYPTO_BLOCK_BYTES, openssl: opensslVersion(), cpuFlags: cpuFlags() });

// ---------------------------------------------------------------------------------------------------------

interface AesState {
  key: Buffer;
  iv: Buffer;
  data: Buffer;
  counter: number;
  check: number;
}

export const cryptoAesGcm: Workload<BulkParams, AesState> = {
  id: 'crypto.aes-gcm',
  category: 'crypto',
  title: 'AES-256-GCM encryption, 16 KiB updates',
  unit: 'MB/s',
  better: 'higher',
  figure: { kind: 'rate', scale: CRYPTO_BLOCK_BYTES / 1e6 },
  stresses: 'AES-NI and carry-less multiply (GHASH): fast only when the guest CPU model exposes aes/pclmulqdq',
  inQuick: true,
  initialOperations: 16,
  params: () => ({
    ...bulkParams(),
    note:
      "includes Node's output allocation per update (calloc, and for GCM a realloc that copies): about a third of " +
      'the time at 16 KiB, so this reads ~0.6x of `openssl speed -evp aes-256-gcm` on the same host',
  }),
  setup: () => ({ key: input(32), iv: Buffer.alloc(12), data: input(CRYPTO_BLOCK_BYTES), counter: 0, check: 0 }),
  batch(state, operations) {
    // One cipher per batch with a fresh IV (a key/IV pair must never encrypt twice); each op is one 16 KiB update.
    state.iv.writeUInt32BE(++state.counter >>> 0, 8);
    const c = createCipheriv('aes-256-gcm', state.key, state.iv);
    let check = 0;
    for (let i = 0; i < operations; i++) check ^= c.update(state.data)[0] as number;
    c.final();
    state.check ^= check ^ (c.getAuthTag()[0] as number);
  },
};

// ---------------------------------------------------------------------------------------------------------

interface ShaState {
  data: Buffer;
  check: number;
}

export const cryptoSha256: Workload<BulkParams, ShaState> = {
  id: 'crypto.sha256',
  category: 'crypto',
  title: 'SHA-256 hashing, 16 KiB updates',
  unit: 'MB/s',
  better: 'higher',
  figure: { kind: 'rate', scale: CRYPTO_BLOCK_BYTES / 1e6 },
  stresses: 'SHA-256 compression: uses SHA extensions (sha_ni) when the guest sees them, else AVX2 code',
  inQuick: true,
  initialOperations: 16,
  params: bulkParams,
  setup: () => ({ data: input(CRYPTO_BLOCK_BYTES), check: 0 }),
  batch(state, operations) {
    const h = createHash('sha256');
    for (let i = 0; i < operations; i++) h.update(state.data);
    state.check ^= h.digest()[0] as number;
  },
};

// ---------------------------------------------------------------------------------------------------------

interface SignParams extends Record<string, unknown> {
  curve: string;
  hash: string;
  messageBytes: number;
  openssl: string;
}

interface SignState {
  key: KeyObject;
  message: Buffer;
  bytes: number;
}

export const cryptoSign: Workload<SignParams, SignState> = {
  id: 'crypto.sign',
  category: 'crypto',
  title: 'ECDSA P-256 signatures (SHA-256)',
  unit: 'ops/s',
  better: 'higher',
  figure: { kind: 'rate', scale: 1 },
  stresses: 'big-number arithmetic (mulx/adx) plus a random nonce per signature: CPU-bound, should be near native',
  inQuick: true,
  initialOperations: 10,
  params: () => ({ curve: 'P-256 (prime256v1)', hash: 'sha256', messageBytes: 64, openssl: opensslVersion() }),
  setup: (p) => ({
    key: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey,
    message: input(p.messageBytes),
    bytes: 0,
  }),
  batch(state, operations) {
    let bytes = 0;
    for (let i = 0; i < operations; i++) bytes += sign('sha256', state.message, state.key).length;
    state.bytes += bytes;
  },
};

// ---------------------------------------------------------------------------------------------------------

interface RandomParams extends Record<string, unknown> {
  blockBytes: number;
  source: string;
  cpuFlags: CryptoCpuFlags | null;
}

interface RandomState {
  buf: Buffer;
  check: number;
}

export const cryptoRandom: Workload<RandomParams, RandomState> = {
  id: 'crypto.random',
  category: 'crypto',
  title: 'User-space CSPRNG output (OpenSSL DRBG via randomFillSync, 4 KiB)',
  unit: 'MB/s',
  better: 'higher',
  figure: { kind: 'rate', scale: RANDOM_BLOCK_BYTES / 1e6 },
  // Not an entropy benchmark: OpenSSL seeds its DRBG from getrandom(2) about twice per process and then expands it
  // with AES-CTR in user space, so this is AES throughput plus Node's per-call cost. The kernel's entropy path
  // (getrandom per call, virtio-rng, RDSEED exits) is reached only by reading getrandom(2) or /dev/urandom per
  // operation, which neither randomFillSync nor crypto.getRandomValues does.
  stresses:
    "OpenSSL's user-space DRBG (AES-CTR) seeded about twice per process from getrandom(2): AES throughput and Node's per-call cost, not kernel entropy",
  inQuick: true,
  initialOperations: 16,
  params: () => ({
    blockBytes: RANDOM_BLOCK_BYTES,
    source: `crypto.randomFillSync -> OpenSSL ${opensslVersion()} RAND_bytes (user-space CTR-DRBG; getrandom(2) only to seed it, ~2 calls per process)`,
    cpuFlags: cpuFlags(),
  }),
  setup: () => ({ buf: Buffer.alloc(RANDOM_BLOCK_BYTES), check: 0 }),
  batch(state, operations) {
    let check = 0;
    for (let i = 0; i < operations; i++) check ^= randomFillSync(state.buf)[0] as number;
    state.check ^= check;
  },
};

export const cryptoWorkloads = [cryptoAesGcm, cryptoSha256, cryptoSign, cryptoRandom];
