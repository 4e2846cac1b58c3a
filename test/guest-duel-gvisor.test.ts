/**
 * End to end in a real sandbox: a duel of the host against gVisor (scripts/gvisor-agent.sh: `runsc do`, ptrace
 * platform), whose own kernel serves every system call after a ptrace stop, while clock reads stay in the vDSO.
 * Only large effects are asserted, by verdict direction, never by timing: system calls slower, clock reads and
 * integer work not slower beyond 15%, and mem.pagefault skipped with its reason (gVisor counts no minor faults).
 * Runs in the `guests` vitest project, one file at a time after every other test (vitest.config.ts). Skips,
 * saying why, where runsc is not installed or the tests do not run as root.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadResults } from '../src/results/io.js';
import { assertBuilt, clearlySlower, duel, guestSelfReport, guestSupport, HOST_AGENT, LAUNCHER, outerLayers, rowsByWorkload } from './helpers/guests.js';

const why = guestSupport('gvisor');
if (why) console.log(`skipping gVisor duel tests: ${why}`);

describe.skipIf(why !== null)('duel: host against a gVisor sandbox', () => {
  beforeAll(assertBuilt);

  it('syscalls are slower in gVisor; clock reads and integer work are not; page faults are skipped, saying why', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'virtax-duel-gvisor-')), 'duel');
    const r = await duel(['--a', HOST_AGENT, '--b', LAUNCHER.gvisor, '--label-a', 'host', '--label-b', 'gvisor',
      '--only', 'cpu.int', 'sys.stat', 'sys.clock', 'mem.pagefault', '--rounds', '6', '--round-seconds', '0.3',
      '--seed', '11', '--noise', '15%', '--timeout', '180', '--out', out]);
    console.log(r.stdout);
    expect(r.code, r.stderr).toBe(0);
    const rows = rowsByWorkload(out);
    const verdict = (id: string) => {
      const row = rows.get(id);
      return row?.status === 'compared' ? row.verdict : `not compared: ${row?.reason ?? 'missing'}`;
    };
    expect(clearlySlower(rows.get('sys.stat')), verdict('sys.stat')).toBe(true);
    expect(verdict('sys.clock')).not.toBe('slower'); // vDSO: no trap
    expect(verdict('sys.clock')).not.toMatch(/^not compared/);
    expect(verdict('cpu.int')).not.toBe('slower');
    expect(verdict('cpu.int')).not.toMatch(/^not compared/);
    const pf = loadResults(join(out, 'b.json')).workloads.find((w) => w.id === 'mem.pagefault');
    expect(pf?.status).toBe('skipped');
    if (pf?.status === 'skipped') expect(pf.reason).toMatch(/counts no minor page faults/);
  }, 600_000);

  let report: ReturnType<typeof guestSelfReport> | undefined;
  const self = () => (report ??= guestSelfReport('gvisor'));

  it('the sandbox is told what it is nested in (VIRTAX_OUTER_PLATFORM from the host fingerprint)', () => {
    expect(self().outer).toBe(outerLayers());
  }, 180_000);

  // Passes once the fingerprint knows gVisor (container gvisor; sandbox-in-vm inside a VM).
  it('`virtax fingerprint --json` inside says gVisor sandbox: container gvisor, sandbox-in-vm inside a VM', () => {
    const f = self().fingerprint;
    expect(f.container).toBe('gvisor');
    expect(f.platform).toBe(outerLayers().includes('vm:') ? 'sandbox-in-vm' : 'sandbox');
  }, 180_000);
});
