/**
 * End to end on a real guest kernel: a duel of the host against User-Mode Linux (scripts/uml-agent.sh), where
 * every system call of a guest process traps to the UML kernel through ptrace and clock reads have no vDSO.
 * Only large effects are asserted, by verdict direction, never by timing: system calls and clock reads slower,
 * page faults slower, integer work not slower beyond 15%. Runs in the `guests` vitest project, one file at a
 * time after every other test (vitest.config.ts). Skips, saying why, where UML is not installed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
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

const why = guestSupport('uml');
if (why) console.log(`skipping User-Mode Linux duel tests: ${why}`);

describe.skipIf(why !== null)('duel: host against a User-Mode Linux guest', () => {
  beforeAll(assertBuilt);

  it('syscalls, clock reads and page faults are slower in UML; integer work is not', async () => {
    // 4 pairs, not 6: every round starts Node inside the guest and mem.pagefault rounds run 6-30 s of wall time there,
    // so 6 pairs took ~6 minutes of CI; the effects asserted are 20x and more, which 4 pairs' [min, max] shows.
    const r = await duelHostAgainst({ b: LAUNCHER.uml, label: 'uml', rounds: 4 });
    expect(r.code, r.stderr).toBe(0);
    const { rows, verdict } = duelRows(r.out);
    expect(clearlySlower(rows.get('sys.stat')), verdict('sys.stat')).toBe(true);
    expect(clearlySlower(rows.get('sys.clock')), verdict('sys.clock')).toBe(true);
    expect(clearlySlower(rows.get('mem.pagefault')), verdict('mem.pagefault')).toBe(true);
    expect(verdict('cpu.int')).not.toBe('slower'); // with --noise 15%: not slower beyond 15%
    expect(verdict('cpu.int')).not.toMatch(/^not compared/);
  }, 600_000);

  const self = selfReportOnce('uml');

  it('the guest is told what it is nested in (VIRTAX_OUTER_PLATFORM from the host fingerprint)', () => {
    expect(self().outer).toBe(outerLayers());
  }, 180_000);

  // Passes once the fingerprint knows UML (platform vm-in-vm, hypervisor uml).
  it('`virtax fingerprint --json` inside says UML guest: vm-in-vm inside a VM, hypervisor uml', () => {
    const f = self().fingerprint;
    expect(f.hypervisor).toBe('uml');
    expect(f.platform).toBe(outerLayers().includes('vm:') ? 'vm-in-vm' : 'vm');
  }, 180_000);
});
