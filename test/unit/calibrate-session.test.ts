/**
 * `virtax calibrate` as a library (src/probes/run/calibrate.ts) on a fake executor, fingerprint and clock, and through
 * the CLI on results files: the A/A run files and calibration.json beside them (valid against
 * schema/calibration.v1.json), the gate config, and bad input refused with one line before anything runs.
 * Starts no process.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import type { Interrupt } from '../../src/proc/interrupt.js';
import { loadGateConfig } from '../../src/gate/config.js';
import { saveResults, schemaValidator } from '../../src/results/io.js';
import { calibrateSession } from '../../src/probes/run/calibrate.js';
import { syntheticResults } from '../../src/stats/synthetic.js';
import { FakeExecutor, fakeHost } from '../helpers/fake-executor.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'virtax-calibrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fresh = () => mkdtempSync(join(dir, 't'));

function deps(executor = new FakeExecutor(), onRun?: (i: number) => void) {
  const ac = new AbortController();
  let clock = Date.parse('2026-12-03T10:00:00Z');
  return {
    executor,
    fingerprint: async () => fakeHost,
    interrupt: (): Interrupt => ({ signal: ac.signal, dispose: () => {} }),
    now: () => new Date((clock += 1000)),
    onRunStart: (i: number) => onRun?.(i),
    abort: () => ac.abort(),
  };
}

const validCalibration = (data: unknown) => {
  const v = schemaValidator('calibration.v1.json');
  const ok = v(data);
  return ok ? null : JSON.stringify(v.errors?.[0]);
};

describe('calibrateSession on fakes', () => {
  it('makes the A/A runs, writes calibration.json beside them and the gate config', async () => {
    const out = fresh();
    const gate = join(out, 'gate.json');
    const r = await calibrateSession(
      { only: ['cpu.int', 'sys.stat'], rounds: 4, runs: 3, minutes: 5, seed: 3, out, writeGateConfig: gate },
      deps(),
    );
    expect(readdirSync(out).sort()).toEqual(['calibration.json', 'gate.json', 'run-1.json', 'run-2.json', 'run-3.json']);
    const file = JSON.parse(readFileSync(r.out, 'utf8'));
    expect(validCalibration(file)).toBeNull();
    expect(file.runs.map((x: { file: string }) => x.file)).toEqual(['run-1.json', 'run-2.json', 'run-3.json']);
    expect(file.settings).toMatchObject({ budgetMinutes: 5, seed: 3, noisePct: 1 });
    expect(file.workloads.map((w: { id: string; status: string }) => [w.id, w.status]).sort()).toEqual([
      ['cpu.int', 'calibrated'],
      ['sys.stat', 'calibrated'],
    ]);
    // Each fake run's rounds have figures 100, 200, ...: noise between rounds is large, and the gate says so.
    const cfg = loadGateConfig(gate);
    expect(Object.keys(cfg.perWorkload ?? {}).sort()).toEqual(['cpu.int', 'sys.stat']);
    expect(r.interrupted).toBe(false);
  });

  it('an interrupt after two finished runs still calibrates from those two', async () => {
    const out = fresh();
    const d = deps(new FakeExecutor(), (i) => {
      if (i === 3) d.abort();
    });
    const r = await calibrateSession({ only: ['cpu.int'], rounds: 3, runs: 4, minutes: 5, seed: 1, out }, d);
    expect(r.interrupted).toBe(true);
    expect(r.file.runs).toHaveLength(2);
    expect(validCalibration(JSON.parse(readFileSync(r.out, 'utf8')))).toBeNull();
  });

  it('refuses bad options with one line before anything runs', async () => {
    const out = fresh();
    const ex = new FakeExecutor();
    for (const req of [{ runs: 1 }, { runs: 2.5 }, { minutes: 0 }, { minutes: Number.NaN }, { noisePct: -1 }, { seed: 1.5 }]) {
      await expect(calibrateSession({ only: ['cpu.int'], out, ...req }, deps(ex))).rejects.toBeInstanceOf(InputError);
    }
    expect(ex.calls).toEqual([]);
    await expect(calibrateSession({ from: ['a.json', 'b.json'], runs: 3 }, deps(ex))).rejects.toThrow(
      /drop them when calibrating from results files/,
    );
  });
});

describe('virtax calibrate on results files', () => {
  const d = fresh();
  // The factory's batches take figure x 1000 seconds (cost) or 1000 / figure (rate): figures that keep a round
  // well under the run's minute, so the budget buys pairs.
  const files = [0, 1, 2].map((i) => {
    const p = join(d, `aa-${i}.json`);
    saveResults(
      p,
      syntheticResults({
        seed: 40 + i,
        rounds: 8,
        workloads: [
          { id: 'cpu.int', figure: 5e6, better: 'higher' },
          { id: 'sys.stat', figure: 1e-5 },
        ],
      }),
    );
    return p;
  });

  it('prints the table and headline, writes calibration.json beside the files', async () => {
    const r = await runCli(['calibrate', ...files, '--minutes', '20', '--seed', '5']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^workload\s+unit\s+batch\s+round\s+run\s+false verdicts\s+duel 20 min/m);
    expect(r.out).toMatch(/a 20-minute duel detects [\d.]+% on cpu\.int, [\d.]+% on sys\.stat here/);
    expect(existsSync(join(d, 'calibration.json'))).toBe(true);
  });

  it('--json is the calibration file; --only narrows it', async () => {
    const r = await runCli(['calibrate', ...files, '--only', 'sys', '--json', '--out', join(d, 'only'), '--seed', '5']);
    expect(r.code).toBe(0);
    const file = JSON.parse(r.out);
    expect(validCalibration(file)).toBeNull();
    expect(file.workloads.map((w: { id: string }) => w.id)).toEqual(['sys.stat']);
    expect(file.runs[0].file).toBe('../aa-0.json');
  });

  it("--duel DIR: an A/A duel's measured pairs give the duel's figures, named by its mode", async () => {
    const duelDir = join(d, 'duet-aa');
    saveResults(
      join(duelDir, 'a.json'),
      syntheticResults({
        seed: 60,
        rounds: 8,
        workloads: [
          { id: 'cpu.int', figure: 5e6, better: 'higher' },
          { id: 'sys.stat', figure: 1e-5 },
        ],
      }),
    );
    saveResults(
      join(duelDir, 'b.json'),
      syntheticResults({
        seed: 61,
        rounds: 8,
        workloads: [
          { id: 'cpu.int', figure: 5e6, better: 'higher' },
          { id: 'sys.stat', figure: 1e-5 },
        ],
      }),
    );
    writeFileSync(join(duelDir, 'duel.json'), JSON.stringify({ mode: 'duet' }));
    const r = await runCli(['calibrate', ...files, '--duel', duelDir, '--json', '--out', join(d, 'with-duel'), '--seed', '5']);
    expect(r.code, r.err).toBe(0);
    const file = JSON.parse(r.out);
    expect(validCalibration(file)).toBeNull();
    expect(file.duelPairs).toMatchObject({ dir: '../duet-aa', mode: 'duet' });
    expect(Object.keys(file.duelPairs.sdPct).sort()).toEqual(['cpu.int', 'sys.stat']);
    expect(file.notes.join('\n')).toMatch(/pair SD measured by the A\/A duet duel/);
    const t = await runCli(['calibrate', ...files, '--duel', duelDir, '--out', join(d, 'with-duel'), '--seed', '5']);
    expect(t.out).toMatch(/duet 10 min/);
    expect((await runCli(['calibrate', ...files, '--duel', join(d, 'nope')])).code).toBe(2);
  });

  it('exits 2 with one line on bad input', async () => {
    for (const argv of [
      ['calibrate', files[0] as string],
      ['calibrate', ...files, '--only', 'nope'],
      ['calibrate', ...files, '--runs', '4'],
      ['calibrate', ...files, '--minutes', 'x'],
    ]) {
      const r = await runCli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });
});
