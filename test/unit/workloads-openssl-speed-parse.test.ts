import { describe, expect, it } from 'vitest';
import { parseOpensslSpeed } from '../../bench/probe.bench.js';

// Captured on the dev container (OpenSSL 3.0.19): `openssl speed -evp aes-256-gcm -bytes 16384 -seconds 1`.
const AES_GCM_16K = `Doing AES-256-GCM for 1s on 16384 size blocks: 121993 AES-256-GCM's in 0.60s
version: 3.0.19
built on: Fri Apr  3 12:29:32 2026 UTC
options: bn(64,64)
compiler: gcc -fPIC -pthread -m64 -Wa,--noexecstack -Wall -O2 -DNDEBUG
CPUINFO: OPENSSL_ia32cap=0xfffa3203078bffff:0x40069c219c07ab
The 'numbers' are in 1000s of bytes per second processed.
type          16384 bytes
AES-256-GCM    3331222.19k
`;

// Captured the same way: `openssl speed -seconds 1 sha256` (all default block sizes).
const SHA256_ALL = `The 'numbers' are in 1000s of bytes per second processed.
type             16 bytes     64 bytes    256 bytes   1024 bytes   8192 bytes  16384 bytes
sha256           54873.85k   199791.15k   733919.45k  1177396.64k  1478492.16k  1509318.97k
`;

describe('openssl speed parser', () => {
  it('reads the 16 KiB AES-256-GCM figure in bytes per second', () => {
    const rows = parseOpensslSpeed(AES_GCM_16K);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.algorithm).toBe('AES-256-GCM');
    expect(rows[0]?.bytesPerSecond[16384]).toBeCloseTo(3331222190, 0);
  });

  it('maps every block size of a multi-size table', () => {
    const rows = parseOpensslSpeed(SHA256_ALL);
    expect(rows[0]?.algorithm).toBe('sha256');
    expect(Object.keys(rows[0]?.bytesPerSecond ?? {}).map(Number)).toEqual([16, 64, 256, 1024, 8192, 16384]);
    expect(rows[0]?.bytesPerSecond[16]).toBeCloseTo(54873850, 0);
    expect(rows[0]?.bytesPerSecond[16384]).toBeCloseTo(1509318970, 0);
  });

  it('returns nothing for output without a table (e.g. an error)', () => {
    expect(parseOpensslSpeed('speed: Unknown algorithm aes-999\n')).toEqual([]);
  });
});
