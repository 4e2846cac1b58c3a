/**
 * End to end in a real OCI container: a duel of the host against podman with runc (scripts/podman-agent.sh,
 * the host's root under an overlay, no network device), and a short one with a half-CPU quota. Namespaces
 * alone cost little: integer work, clock reads and page faults must not be called slower beyond 15%; half
 * a CPU must make integer work slower. sys.stat is not asserted: it stats a path on the container's overlay
 * root, and overlayfs lookups really are slower (about +25% here), a container cost, not noise. Verdict directions only, never timings. Runs in the `guests` vitest
 * project, one file at a time after every other test (vitest.config.ts). Skips, saying why, where podman or
 * runc is not installed or the tests do not run as root.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, duel, guestSelfReport, guestSupport, HOST_AGENT, LAUNCHER, outerLayers, rowsByWorkload } from './helpers/guests.js';

const why = guestSupport('podman');
if (why) console.log(`skipping podman duel tests: ${why}`);

function verdicts(out: string): (id: string) => string {
  const rows = rowsByWorkload(out);
  return (id) => {
    const row = rows.get(id);
    return row?.status === 'compared' ? row.verdict : `not compared: ${row?.reason ?? 'missing'}`;
  };
}

describe.skipIf(why !== null)('duel: host against a podman container', () => {
  beforeAll(assertBuilt);

  it('a container without limits is not slower beyond 15% on integer work, clock reads or page faults', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'virtax-duel-podman-')), 'duel');
    const r = await duel(['--a', HOST_AGENT, '--b', LAUNCHER.podman, '--label-a', 'host', '--label-b', 'podman',
      '--only', 'cpu.int', 'sys.stat', 'sys.clock', 'mem.pagefault', '--rounds', '6', '--round-seconds', '0.3',
      '--seed', '11', '--noise', '15%', '--timeout', '180', '--out', out]);
    console.log(r.stdout);
    expect(r.code, r.stderr).toBe(0);
    const verdict = verdicts(out);
    for (const id of ['cpu.int', 'sys.clock', 'mem.pagefault']) {
      expect(verdict(id), id).not.toBe('slower');
      expect(verdict(id), id).not.toMatch(/^not compared/);
    }
    expect(verdict('sys.stat')).not.toMatch(/^not compared/);
  }, 600_000);

  it('half a CPU (--cpus 0.5) makes integer work slower', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'virtax-duel-podman-cpus-')), 'duel');
    const r = await duel(['--a', HOST_AGENT, '--b', `${LAUNCHER.podman} --cpus 0.5`, '--label-a', 'host', '--label-b', 'podman-0.5cpu',
      '--only', 'cpu.int', '--rounds', '8', '--round-seconds', '0.4', '--seed', '11', '--noise', '15%', '--timeout', '180', '--out', out]);
    console.log(r.stdout);
    expect(r.code, r.stderr).toBe(0);
    expect(verdicts(out)('cpu.int')).toBe('slower');
  }, 600_000);

  let report: ReturnType<typeof guestSelfReport> | undefined;
  const self = () => (report ??= guestSelfReport('podman'));

  it('the container is told what it is nested in (VIRTAX_OUTER_PLATFORM from the host fingerprint)', () => {
    expect(self().outer).toBe(outerLayers());
  }, 180_000);

  it('`virtax fingerprint --json` inside says podman container: container-in-vm inside a VM', () => {
    const f = self().fingerprint;
    expect(f.container).toBe('podman');
    expect(f.platform).toBe(outerLayers().includes('vm:') ? 'container-in-vm' : 'container');
  }, 180_000);
});
