/**
 * End to end in a real sandbox: a duel of the host against gVisor (scripts/gvisor-agent.sh: `runsc do`, ptrace
 * platform), whose own kernel serves every system call after a ptrace stop, while clock reads stay in the vDSO.
 * Only large effects are asserted, by verdict direction, never by timing: system calls slower; clock reads do not
 * trap, so they stay within a few times the host's figure (gVisor's own vDSO was measured 1.0-2.1x the host's on
 * this machine, while a trapped call costs tens of times more); integer work is not slower beyond 15%; and
 * mem.pagefault is measured although gVisor counts no minor faults (fresh pages shown by the mapped size).
 * Runs in the `guests` vitest project, one file at a time after every other test (vitest.config.ts). Skips,
 * saying why, where runsc is not installed or the tests do not run as root.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadResults } from '../../src/results/io.js';
import {
  assertBuilt,
  clearlySlower,
  duelHostAgainst,
  duelRows,
  guestSupport,
  LAUNCHER,
  outerLayers,
  selfReportOnce,
} from '../helpers/guests.js';

const why = guestSupport('gvisor');
if (why) console.log(`skipping gVisor duel tests: ${why}`);

describe.skipIf(why !== null)('duel: host against a gVisor sandbox', () => {
  beforeAll(assertBuilt);

  it('syscalls are much slower in gVisor; clock reads stay in the vDSO, nowhere near a syscall; integer work is not slower; page faults are measured (fresh by the mapped size) and cost more', async () => {
    const r = await duelHostAgainst({ b: LAUNCHER.gvisor, label: 'gvisor' });
    expect(r.code, r.stderr).toBe(0);
    const { rows, verdict } = duelRows(r.out);
    expect(clearlySlower(rows.get('sys.stat')), verdict('sys.stat')).toBe(true);
    // vDSO: no trap. gVisor's vDSO is its own and may read slower than the host's (CI saw +39%, the reference set
    // +110% [-0.1, +323]), so the claim is the large one: nowhere near the cost of a system call.
    const clock = rows.get('sys.clock');
    const stat = rows.get('sys.stat');
    expect(clock?.status, verdict('sys.clock')).toBe('compared');
    if (clock?.status === 'compared' && stat?.status === 'compared') {
      expect(clock.overheadPct.point, verdict('sys.clock')).toBeLessThan(300);
      expect(clock.overheadPct.point).toBeLessThan(stat.overheadPct.point / 3);
    }
    expect(verdict('cpu.int')).not.toBe('slower');
    expect(verdict('cpu.int')).not.toMatch(/^not compared/);
    const pf = loadResults(join(r.out, 'b.json')).workloads.find((w) => w.id === 'mem.pagefault');
    expect(pf?.status, pf?.status === 'skipped' || pf?.status === 'failed' ? pf.reason : '').toBe('ok');
    expect(verdict('mem.pagefault')).not.toBe('faster');
  }, 600_000);

  const self = selfReportOnce('gvisor');

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
