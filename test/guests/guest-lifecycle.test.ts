/**
 * `virtax lifecycle` on the real platforms of this host (a plain process, podman+runc, gVisor's `runsc do`,
 * User-Mode Linux, and a user's launcher script: examples/lifecycle/process-launcher.sh), in one interleaved run
 * kept lean: 2 rounds, instance counts 1 and 2, no node start. Only directions of large effects are asserted,
 * never a timing: gVisor and UML start slower than a process (hundreds of ms and seconds against tens); a gVisor or
 * UML instance costs the host more memory than a runc container (a Sentry or a guest kernel against a sleeping
 * process and conmon); every per-instance fit is positive; nothing is left running. A platform that cannot launch
 * here is reported skipped, and its assertions are skipped with the reason.
 * Runs in the `guests` vitest project, one file at a time after every other test (vitest.config.ts).
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinLauncher, type BuiltinPlatform } from '../../src/probes/lifecycle/builtin.js';
import type { Launcher } from '../../src/probes/lifecycle/launcher.js';
import { runLifecycle } from '../../src/probes/lifecycle/run.js';
import { scriptLauncher } from '../../src/probes/lifecycle/script.js';
import { asResultsFile } from '../../src/results/io.js';
import type { ResultsFile, WorkloadOk } from '../../src/types.js';
import { fakeHost } from '../helpers/fake-executor.js';

const SCRIPT = fileURLToPath(new URL('../../examples/lifecycle/process-launcher.sh', import.meta.url));
const BUILTIN: BuiltinPlatform[] = ['process', 'podman', 'gvisor', 'uml'];

let files = new Map<string, ResultsFile>();
const skipped = new Map<string, string>();

function ok(platform: string, id: string): WorkloadOk | null {
  const w = files.get(platform)?.workloads.find((x) => x.id === id);
  if (!w) throw new Error(`${platform} has no ${id}`);
  if (w.status === 'ok') return w;
  if (w.status === 'skipped') return null;
  throw new Error(`${platform} ${id} failed: ${w.reason}`);
}

/** Run `check` only when both platforms were measured, else say which was skipped and why. */
function both(a: string, b: string, check: () => void): void {
  const why = skipped.get(a) ?? skipped.get(b);
  if (why) {
    console.log(`not asserted (${a} vs ${b}): ${why}`);
    return;
  }
  check();
}

describe('lifecycle on the real platforms', () => {
  beforeAll(async () => {
    const launchers: Launcher[] = [...BUILTIN.map((p) => builtinLauncher(p)), scriptLauncher('script', SCRIPT)];
    const out = await runLifecycle({
      launchers,
      rounds: 2,
      instances: [1, 2],
      node: false,
      seed: 11,
      labelOf: (p) => `${p}-lifecycle`,
      host: fakeHost,
      toolVersion: '0.0.0-test',
      settleMs: 300,
      onEvent: (e) => {
        if (e.type === 'skipped') {
          skipped.set(e.platform, e.reason);
          console.log(`lifecycle: ${e.platform} skipped: ${e.reason}`);
        }
      },
    });
    files = new Map(out.map((f, i) => [launchers[i]?.name as string, f]));
  }, 600_000);

  it('writes a valid results file per platform, every figure measured or skipped with its reason', () => {
    for (const [name, f] of files) {
      asResultsFile(JSON.parse(JSON.stringify(f)), name);
      for (const w of f.workloads) {
        expect(w.status, `${name} ${w.id}: ${w.status !== 'ok' ? w.reason : ''}`).not.toBe('failed');
        if (w.status === 'ok') expect(w.rounds).toHaveLength(2);
      }
    }
    expect(skipped.has('process')).toBe(false);
    expect(skipped.has('script')).toBe(false);
  });

  it('gVisor and User-Mode Linux start slower than a plain process', () => {
    const process = ok('process', 'life.start')?.summary.median as number;
    for (const p of ['gvisor', 'uml'])
      both('process', p, () => expect(ok(p, 'life.start')?.summary.median, p).toBeGreaterThan(2 * process));
  });

  it('a gVisor or UML instance costs the host more memory than a runc container; every per-instance fit is positive', () => {
    for (const p of ['gvisor', 'uml']) {
      both('podman', p, () =>
        expect(ok(p, 'life.memory')?.summary.median, p).toBeGreaterThan(ok('podman', 'life.memory')?.summary.median as number),
      );
    }
    for (const name of files.keys()) {
      if (skipped.has(name)) continue;
      const fit = ok(name, 'life.memory')?.extra?.fit as { perInstanceMiB: { point: number } };
      expect(fit.perInstanceMiB.point, name).toBeGreaterThan(0);
      expect(ok(name, 'life.density')?.summary.median, name).toBeGreaterThan(0);
    }
  });

  it('records the parameters that dominate the figures', () => {
    both('uml', 'uml', () => expect(ok('uml', 'life.memory')?.extra?.platform).toMatchObject({ name: 'uml', mem: '256M' }));
    both('podman', 'podman', () =>
      expect(ok('podman', 'life.memory')?.extra?.platform).toMatchObject({ runtime: 'runc', storageDriver: expect.any(String) }),
    );
    expect(ok('script', 'life.start')?.extra?.platform).toMatchObject({ launcher: SCRIPT, runs: 'setsid sh -c PROGRAM' });
  });
});
