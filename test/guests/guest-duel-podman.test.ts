/**
 * End to end in a real OCI container: a duel of the host against podman with runc (scripts/podman-agent.sh,
 * the host's root under an overlay, no network device), and a short one with a half-CPU quota. Namespaces
 * alone cost little: integer work, clock reads and page faults must not be called slower beyond 15%; half
 * a CPU must make integer work slower. sys.stat is not asserted: it stats a path on the container's overlay
 * root, and overlayfs lookups really are slower (about +25% here), a container cost, not noise. Verdict directions only, never timings. Runs in the `guests` vitest
 * project, one file at a time after every other test (vitest.config.ts). Skips, saying why, where podman or
 * runc is not installed or the tests do not run as root.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, duelHostAgainst, duelRows, guestSupport, LAUNCHER, outerLayers, selfReportOnce } from '../helpers/guests.js';

const why = guestSupport('podman');
if (why) console.log(`skipping podman duel tests: ${why}`);

describe.skipIf(why !== null)('duel: host against a podman container', () => {
  beforeAll(assertBuilt);

  it('a container without limits is not slower beyond 15% on integer work, clock reads or page faults', async () => {
    const r = await duelHostAgainst({ b: LAUNCHER.podman, label: 'podman' });
    expect(r.code, r.stderr).toBe(0);
    const { verdict } = duelRows(r.out);
    for (const id of ['cpu.int', 'sys.clock', 'mem.pagefault']) {
      expect(verdict(id), id).not.toBe('slower');
      expect(verdict(id), id).not.toMatch(/^not compared/);
    }
    expect(verdict('sys.stat')).not.toMatch(/^not compared/);
  }, 600_000);

  it('half a CPU (--cpus 0.5) makes integer work slower', async () => {
    const r = await duelHostAgainst({
      b: `${LAUNCHER.podman} --cpus 0.5`,
      label: 'podman-0.5cpu',
      only: ['cpu.int'],
      rounds: 8,
      roundSeconds: 0.4,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(duelRows(r.out).verdict('cpu.int')).toBe('slower');
  }, 600_000);

  const self = selfReportOnce('podman');

  it('the container is told what it is nested in (VIRTAX_OUTER_PLATFORM from the host fingerprint)', () => {
    expect(self().outer).toBe(outerLayers());
  }, 180_000);

  it('`virtax fingerprint --json` inside says podman container: container-in-vm inside a VM', () => {
    const f = self().fingerprint;
    expect(f.container).toBe('podman');
    expect(f.platform).toBe(outerLayers().includes('vm:') ? 'container-in-vm' : 'container');
  }, 180_000);
});
