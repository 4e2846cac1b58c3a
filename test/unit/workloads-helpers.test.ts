import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCryptoFlags } from '../../src/workloads/crypto.js';
import { freshMemoryEvidence, mappedPages, minorFaults, pageFaultCountingProblem } from '../../src/workloads/memory.js';
import { filesystemName } from '../../src/workloads/storage.js';

describe('host facts the workloads record', () => {
  it('reads the crypto-relevant CPU flags from /proc/cpuinfo text', () => {
    const cpuinfo =
      'processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2 aes pclmulqdq rdrand sha_ni avx2\n\nprocessor\t: 1\nflags\t\t: fpu\n';
    expect(parseCryptoFlags(cpuinfo)).toEqual({ aes: true, sha: true, rdrand: true, rdseed: false, pclmulqdq: true });
    expect(parseCryptoFlags('flags\t: fpu sse2 avx2\n')).toEqual({
      aes: false,
      sha: false,
      rdrand: false,
      rdseed: false,
      pclmulqdq: false,
    });
    // arm64 names its features "Features" and calls SHA-256 "sha2", PMULL the carry-less multiply.
    expect(parseCryptoFlags('Features\t: fp asimd aes pmull sha1 sha2\n')).toMatchObject({ aes: true, sha: true, pclmulqdq: true });
    expect(parseCryptoFlags('no flags here')).toBeNull();
  });

  it('names filesystems by their statfs magic', () => {
    expect(filesystemName(0x01021994)).toBe('tmpfs');
    expect(filesystemName(0x794c7630)).toBe('overlay');
    expect(filesystemName(0xef53)).toBe('ext4');
    expect(filesystemName(0x58465342)).toBe('xfs');
    expect(filesystemName(0x9123683e)).toBe('btrfs');
    expect(filesystemName(0x1234)).toBe('0x1234');
  });

  it('reads minor faults from a /proc/<pid>/stat line, even with spaces and parentheses in the command', () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtax-stat-'));
    try {
      const path = join(dir, 'stat');
      writeFileSync(path, '4242 (node (round) x) S 1 4242 4242 0 -1 4194560 987654 0 12 0 100 20 0 0 20 0 11 0\n');
      expect(minorFaults(path)).toBe(987654);
      expect(minorFaults(join(dir, 'missing'))).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('measures mem.pagefault where the kernel counts faults, or counts none but maps each chunk afresh (gVisor); skips it with a reason otherwise', () => {
    const frozen = () => 1234; // gVisor: the fault counter never moves
    let n = 0;
    expect(freshMemoryEvidence(() => (n += 10_000))).toBe('minor-faults'); // a kernel that counts
    expect(freshMemoryEvidence(() => null)).toBe('unchecked'); // no procfs: measured without the check, as before
    expect(freshMemoryEvidence()).toBe('minor-faults'); // this test's own kernel counts faults
    // gVisor: no fault counts, but the mapped size grows by the 10,240 pages of a fresh 40 MiB chunk
    let pages = 50_000;
    expect(freshMemoryEvidence(frozen, () => (pages += 10_240))).toBe('mappings');
    pages = 50_000;
    expect(pageFaultCountingProblem(frozen, () => (pages += 10_240))).toBeNull();
    // neither: reused memory cannot be told from faults
    expect(pageFaultCountingProblem(frozen, () => 50_000)).toMatch(
      /counts no minor page faults .*stayed at 1234.*did not grow the mapped size/,
    );
    expect(pageFaultCountingProblem(frozen, () => null)).toMatch(/counts no minor page faults/);
    expect(mappedPages()).toBeGreaterThan(1000);
  });
});
