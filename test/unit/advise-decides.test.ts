/**
 * Advice that decides (issue 23): `advise --app` and `--profile` rank the hosts and name one choice, or keep the
 * baseline when the best alternative cannot be told apart from it; shares of a prediction only where the
 * prediction is told apart from zero; `--cost` that names no host, or lacks --fleet, exits 2 with one line.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { advise } from '../../src/advise/advise.js';
import { decideApp, formatAppPrediction, predictApp, type AppHostPrediction } from '../../src/advise/app.js';
import type { Profile } from '../../src/advise/types.js';
import { APP_SCHEMA, OPERATION_CLASSES, type AppProfile, type OperationClass } from '../../src/results/app-profile.js';
import { comparedRow, comparisonOf } from '../../src/stats/synthetic.js';
import { runCli } from '../helpers/cli.js';
import { comparisonOf as reportComparison, estimate, fingerprintOf, resultsOf, rowOf, WORKLOADS } from '../helpers/report-fixtures.js';

function app(rates: Partial<Record<OperationClass, number>>): AppProfile {
  const all = Object.fromEntries(OPERATION_CLASSES.map((c) => [c, rates[c] ?? 0])) as Record<OperationClass, number>;
  return {
    schema: APP_SCHEMA,
    name: 'synthetic-app',
    command: ['app'],
    pid: null,
    startedAt: '2026-11-30T08:00:00.000Z',
    wallSeconds: 10,
    ownSeconds: 10,
    exitCode: 0,
    host: { hostname: 'h', kernel: '6.1', platform: 'vm' },
    method: { sampler: 'procfs', intervalMs: 100, syscalls: 'strace', notes: [] },
    totals: {
      cpuUserSeconds: 0,
      cpuSystemSeconds: 0,
      minorFaults: 0,
      majorFaults: 0,
      voluntarySwitches: 0,
      involuntarySwitches: 0,
      readSyscalls: 0,
      writeSyscalls: 0,
      readBytes: 0,
      writeBytes: 0,
      processes: 0,
      runDelaySeconds: 0,
    },
    syscalls: null,
    rates: all,
  };
}

const host = (
  label: string,
  slowdown: { point: number; lo: number; hi: number },
  fleetCost: AppHostPrediction['fleetCost'] = null,
): AppHostPrediction => ({
  label,
  platform: 'vm',
  slowdownPct: { ...slowdown, level: 0.95, method: 'percentile' },
  perOperationPct: { ...slowdown, level: 0.95, method: 'percentile' },
  quota: null,
  contributions: [],
  unpriced: [],
  proxySharePct: 0,
  unseenPct: null,
  cpuWaitPct: null,
  dominant: null,
  hosts: null,
  fleetCost,
});

describe('advise --app decides', () => {
  it('recommends the best alternative only when its whole interval is better than the baseline', () => {
    const faster = decideApp([host('slow', { point: 30, lo: 20, hi: 40 }), host('fast', { point: -8, lo: -12, hi: -3 })], 'base', null);
    expect(faster.ranking).toEqual(['fast', 'base', 'slow']);
    expect(faster.recommendation.label).toBe('fast');
    const blurred = decideApp(
      [host('runc', { point: -4.2, lo: -43.5, hi: 26.9 }), host('gvisor', { point: 200, lo: 150, hi: 260 })],
      'host-vm',
      null,
    );
    expect(blurred.ranking[0]).toBe('runc');
    expect(blurred.recommendation).toEqual({
      label: 'host-vm',
      reason: expect.stringMatching(/^keep host-vm: the alternatives cannot be told apart \(the best, runc, predicted -4\.2%/),
    });
    const slower = decideApp([host('a', { point: 5, lo: 2, hi: 9 })], 'base', null);
    expect(slower.recommendation.reason).toMatch(/^keep base: every alternative is slower/);
  });

  it('ranks by fleet cost when every host has one', () => {
    const d = decideApp(
      [
        host('dear', { point: -5, lo: -6, hi: -4 }, { point: 500, lo: 480, hi: 520, unit: null }),
        host('cheap', { point: 3, lo: 2, hi: 4 }, { point: 300, lo: 290, hi: 310, unit: null }),
      ],
      'base',
      400,
    );
    expect(d.ranking).toEqual(['cheap', 'base', 'dear']);
    expect(d.recommendation.label).toBe('cheap');
  });

  it('gives no shares of a prediction that cannot be told from zero, and never says a cheaper class costs more', () => {
    // page faults at x0.90 and stat calls at x1.10 that cancel: the prediction straddles zero
    const c = comparisonOf([
      comparedRow('mem.pagefault', { point: -10, lo: -14, hi: -6 }, 'memory'),
      comparedRow('sys.stat', { point: 5, lo: -20, hi: 30 }, 'syscall'),
    ]);
    const h = predictApp(app({ 'page-fault': 2_100_000, stat: 1_000_000 }), [c], 'base', null).hosts[0]!;
    expect(h.slowdownPct.lo).toBeLessThan(0);
    expect(h.slowdownPct.hi).toBeGreaterThan(0);
    expect(h.contributions.every((x) => x.sharePct === null)).toBe(true);
    expect(h.dominant).toBeNull();
    // a prediction told apart from zero, driven by a cheaper class: named as cheaper
    const d = comparisonOf([comparedRow('mem.pagefault', { point: -10, lo: -14, hi: -6 }, 'memory')]);
    const g = predictApp(app({ 'page-fault': 2_100_000 }), [d], 'base', null).hosts[0]!;
    expect(g.dominant).toMatch(/page-fault: cheaper here \(x0\.90\)/);
    expect(g.dominant).not.toMatch(/cost more/);
  });

  it('prints the ranking with the baseline in its place and one recommendation', () => {
    const c = comparisonOf([comparedRow('sys.stat', { point: 100, lo: 80, hi: 120 }, 'syscall')]);
    const text = formatAppPrediction(predictApp(app({ stat: 1_000_000 }), [c], 'base', null));
    expect(text).toMatch(/^1\. base {2}\(baseline/m);
    expect(text).toMatch(/^2\. cand/m);
    expect(text).toMatch(/^Recommendation: base\n {2}- keep base: every alternative is slower/m);
  });
});

describe('advise --profile decides', () => {
  const profile: Profile = { name: 'p', weights: { cpu: 1, memory: 1 }, latencySensitive: false, sensitiveData: false, fleetSize: 10 };
  const metal = resultsOf('metal', fingerprintOf(), WORKLOADS);
  const ctr = resultsOf('ctr', fingerprintOf({ platform: 'container', container: 'podman' }), WORKLOADS);
  const rows = [rowOf('cpu.int', 'cpu', estimate(-4, -40, 27)), rowOf('mem.latency', 'memory', estimate(-4, -40, 27))];

  it("keeps the baseline when the best alternative's interval holds it", () => {
    const a = advise({
      profile,
      files: [metal, ctr],
      baseline: 'metal',
      comparisons: [reportComparison(metal, ctr, rows, estimate(-4.2, -43.5, 26.9))],
    });
    expect(a.ranking[0]).toBe('ctr');
    expect(a.recommendation?.label).toBe('metal');
    expect(a.recommendation?.reasons[0]).toMatch(/^keep metal: the alternatives cannot be told apart/);
  });

  it('recommends the alternative when its interval is clear of the baseline', () => {
    const a = advise({
      profile,
      files: [metal, ctr],
      baseline: 'metal',
      comparisons: [reportComparison(metal, ctr, rows, estimate(-8, -12, -4))],
    });
    expect(a.recommendation?.label).toBe('ctr');
  });
});

describe('advise: --cost that cannot be used exits 2 with one line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'virtax-advise-'));
  const base = join(dir, 'metal.json');
  const cand = join(dir, 'ctr.json');
  writeFileSync(base, JSON.stringify(resultsOf('metal', fingerprintOf(), WORKLOADS)));
  writeFileSync(cand, JSON.stringify(resultsOf('ctr', fingerprintOf({ platform: 'container', container: 'podman' }), WORKLOADS)));
  const appFile = join(dir, 'app.json');
  writeFileSync(appFile, JSON.stringify(app({ stat: 1000 })));

  it.each([
    [
      'an unknown label',
      ['--app', appFile, '--fleet', '10', '--cost', 'metal=100', '--cost', 'gvisor=90'],
      /--cost gvisor=90: no results file has the label "gvisor" \(labels: metal, ctr\)/,
    ],
    ['--cost without --fleet', ['--app', appFile, '--cost', 'metal=100', '--cost', 'ctr=90'], /--cost: give --fleet N too/],
    ['--cost-unit without --cost', ['--app', appFile, '--fleet', '10', '--cost-unit', 'USD'], /--cost-unit: give the costs too/],
    ['--cost with --profile', ['--profile', appFile, '--cost', 'metal=100'], /--cost, --cost-unit and --fleet go with --app/],
  ])('%s', async (_what, flags, message) => {
    const r = await runCli(['advise', base, cand, ...flags]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(message);
  });
});
