/**
 * One answer on the committed reference files (issue 22): a 50% CPU quota halves every round of cpu.int
 * (297-312 Mops/s against 580-597), so `compare`, `report` and `gate` must all call it slower / regressed, and
 * `compare` and `report` must give the same point, interval and verdict for the same pair.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadHostSet } from '../../src/analysis/hostset.js';
import { analyse } from '../../src/analysis/pipeline.js';
import { loadResults } from '../../src/results/io.js';
import { compareResults } from '../../src/stats/compare.js';
import { runCli as cli } from '../helpers/cli.js';

const VM = 'results/reference-2026-11/firecracker-epyc-host-vm.json';
const HALF = 'results/reference-2026-11/firecracker-epyc-podman-runc-half-cpu.json';
const dir = mkdtempSync(join(tmpdir(), 'virtax-one-answer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('one answer on the reference files', () => {
  it('the half-CPU container reads slower in compare, in the report (same numbers) and regressed in gate', async () => {
    const r = await cli(['compare', VM, HALF, '--json']);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.out) as {
      rows: { id: string; status: string; verdict: string; overheadPct: { point: number; lo: number; hi: number } }[];
    };
    const row = c.rows.find((x) => x.id === 'cpu.int');
    expect(row?.verdict).toBe('slower');
    expect(row?.overheadPct.lo).toBeGreaterThan(50);

    const set = loadHostSet([VM, HALF], { noisePct: 1 });
    const model = analyse(set, { now: new Date('2026-12-03T00:00:00Z') }).model;
    const f = model.forest.find((x) => x.id === 'cpu.int' && x.host === 'firecracker-epyc-podman-runc-half-cpu');
    expect(f?.verdict).toBe('slower');
    for (const k of ['point', 'lo', 'hi'] as const) expect(f?.[k]).toBeCloseTo(row?.overheadPct[k] as number, 9);

    const junit = join(dir, 'gate.xml');
    const g = await cli(['gate', '--baseline', VM, '--current', HALF, '--only', 'cpu.int', '--junit', junit]);
    expect(g.code).toBe(1);
    expect(readFileSync(junit, 'utf8')).toMatch(/<failure/);
  });

  it('the report counts, noise and reasons come from the comparison itself (UML: the overall rests on 7 workloads in both)', () => {
    const files = ['host-vm', 'podman-runc', 'uml'].map((n) => `results/reference-2026-11/firecracker-epyc-${n}.json`);
    const { model, compared } = analyse(loadHostSet(files, { noisePct: 1 }), { now: new Date('2026-12-03T00:00:00Z') });
    const uml = compared.find((h) => h.comparison.cand.label === 'firecracker-epyc-uml')?.comparison;
    const runc = compared.find((h) => h.comparison.cand.label === 'firecracker-epyc-podman-runc')?.comparison;
    const head = model.headlines.find((h) => h.label === 'firecracker-epyc-uml');
    expect(head?.coverage.workloads).toBe(uml?.overall?.workloads);
    expect(head?.coverage.workloads).toBe(7);
    // Every workload compared against runc: the baseline's noise in the table is compare's base noise.
    const vmNoise = model.hostNoise.find((n) => n.host === 'firecracker-epyc-host-vm');
    expect(vmNoise?.medianCvPct).toBeCloseTo(100 * (runc?.noise?.baseCv as number), 9);
    for (const c of [uml, runc])
      for (const r of c?.rows ?? [])
        if (r.status === 'compared' && r.verdict === 'inconclusive') expect(r.inconclusive, r.id).toBeDefined();
    for (const f of model.forest) if (f.verdict === 'inconclusive') expect(f.inconclusive, `${f.host} ${f.id}`).not.toBeNull();
  });
});

describe('one answer: categories and the overall over one workload are that workload', () => {
  it("compare --only cpu.int: the overall and the cpu category equal the row; the first screen shows the comparison's category index", () => {
    const set = loadHostSet([VM, HALF], { noisePct: 1 });
    const { compared, model } = analyse(set, { now: new Date('2026-12-03T00:00:00Z') });
    const c = compared[0]?.comparison;
    const row = c?.rows.find((r) => r.id === 'cpu.int');
    if (row?.status !== 'compared' || !c) throw new Error('not compared');
    const cpu = c.byCategory?.find((b) => b.category === 'cpu');
    expect(cpu?.workloads).toBe(2); // cpu.int and cpu.float
    const cell = model.costTable.rows.find((r) => r.host === 'firecracker-epyc-podman-runc-half-cpu')?.cells.cpu;
    expect(cell?.factor).toBeCloseTo(1 + (cpu?.overheadPct.point as number) / 100, 12);
    expect(cell?.lo).toBeCloseTo(1 + (cpu?.overheadPct.lo as number) / 100, 12);
    // One workload: the overall index is the row, interval and all.
    const one = compareResults(loadResults(VM), loadResults(HALF), { onlyIds: ['cpu.int'] });
    const r1 = one.rows[0];
    if (r1?.status !== 'compared') throw new Error('not compared');
    expect(one.overall?.overheadPct.lo).toBeCloseTo(r1.overheadPct.lo, 9);
    expect(one.overall?.overheadPct.hi).toBeCloseTo(r1.overheadPct.hi, 9);
  });
});
