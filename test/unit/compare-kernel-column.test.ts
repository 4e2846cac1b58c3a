/**
 * Kernel time per operation as its own comparison figure (src/stats/kernel-time.ts): the typed `kernel` field
 * of a compared row, valid against schema/comparison.v1.json, and its column in the table, Markdown and CSV.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { comparisonCsv, comparisonMarkdown, comparisonTable } from '../../src/report/comparison-exporters.js';
import { compareRunSets } from '../../src/stats/compare.js';
import { syntheticResults } from '../../src/stats/synthetic.js';
import type { ResultsFile } from '../../src/types.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

/** sys.stat records kernel time per op (base 1 us, candidate 3 us: +200%); cpu.int does not. */
function file(label: string, seed: number, kernel: number): ResultsFile {
  const f = syntheticResults({
    label,
    seed,
    workloads: [
      { id: 'cpu.int', category: 'cpu', better: 'higher', figure: 400, rounds: 6, batches: 20, roundSd: 0.01, batchSd: 0.05 },
      { id: 'sys.stat', category: 'syscall', better: 'lower', figure: 2000, rounds: 6, batches: 20, roundSd: 0.01, batchSd: 0.05 },
    ],
  });
  for (const w of f.workloads)
    if (w.status === 'ok' && w.id === 'sys.stat') w.rounds.forEach((r, i) => (r.kernelSecondsPerOp = kernel * (1 + 0.01 * i)));
  return f;
}

describe('kernel time per op: its own figure and column', () => {
  const c = compareRunSets([file('host', 1, 1e-6)], [file('guest', 2, 3e-6)], { resamples: 1000 });
  const stat = c.rows.find((r) => r.id === 'sys.stat');
  const cpu = c.rows.find((r) => r.id === 'cpu.int');

  it('a row that recorded it carries medians per side and the overhead with an interval; one that did not has none', () => {
    if (stat?.status !== 'compared' || cpu?.status !== 'compared') throw new Error('fixture');
    expect(stat.kernel?.baseSecondsPerOp).toBeCloseTo(1.025e-6, 9);
    expect(stat.kernel?.candSecondsPerOp).toBeCloseTo(3.075e-6, 9);
    expect(stat.kernel?.pointPct).toBeCloseTo(200, 6);
    expect(stat.kernel?.overheadPct?.lo).toBeGreaterThan(150);
    expect(stat.kernel?.overheadPct?.hi).toBeLessThan(250);
    expect(cpu.kernel).toBeUndefined();
    expect(stat.notes.join(' ')).not.toMatch(/kernel time per op/);
  });

  it('the comparison with kernel figures is valid against schema/comparison.v1.json', () => {
    const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
    ajv.addSchema(JSON.parse(readFileSync('schema/results.v1.json', 'utf8')) as object);
    const validate = ajv.compile(JSON.parse(readFileSync('schema/comparison.v1.json', 'utf8')) as object);
    expect(validate(JSON.parse(JSON.stringify(c))), ajv.errorsText(validate.errors)).toBe(true);
  });

  it('the table (compare and duel print the same) and Markdown get a kernel/op column; CSV kernel columns', () => {
    const t = comparisonTable(c);
    expect(t).toMatch(
      /workload\s+base median\s+cand median\s+overhead % \[interval\]\s+added per op \[interval\]\s+kernel\/op %\s+p\s+q\s+verdict/,
    );
    expect(t).toMatch(/^sys\.stat .* \+200\.0% \[\+19\d\.\d, \+20\d\.\d\] /m);
    expect(comparisonMarkdown(c)).toMatch(/\| overhead % \[interval\] \| added per op \[interval\] \| kernel\/op % \| p \|/);
    const lines = comparisonCsv(c).trim().split('\n');
    expect(lines[0]).toMatch(
      /,reason,kernel_base_s_per_op,kernel_cand_s_per_op,kernel_pct,kernel_lo,kernel_hi,added_per_op,added_lo,added_hi,added_unit$/,
    );
    const statLine = lines.find((l) => l.startsWith('sys.stat,')) ?? '';
    expect(Number(statLine.split(',').at(-7))).toBeCloseTo(200, 6);
    expect(lines.find((l) => l.startsWith('cpu.int,'))).toMatch(/,,,,,,,,,$/);
  });

  it('without any kernel figure the table keeps its columns', () => {
    const plain = compareRunSets([file('a', 1, Number.NaN)], [file('b', 2, Number.NaN)], { resamples: 500 });
    expect(comparisonTable(plain)).not.toMatch(/kernel\/op/);
    expect(comparisonMarkdown(plain)).not.toMatch(/kernel\/op/);
  });

  it('inside a guest whose calls trap through ptrace (UML, gVisor) the row says kernel time leaves out the trap', () => {
    const g = file('uml', 2, 3e-6);
    g.host = { ...g.host, hypervisor: 'uml', platform: 'vm-in-vm' };
    const row = compareRunSets([file('host', 1, 1e-6)], [g], { resamples: 500 }).rows.find((r) => r.id === 'sys.stat');
    expect(row?.status === 'compared' && row.notes.some((n) => /User-Mode Linux leaves out the trap/.test(n))).toBe(true);
    const plain = stat?.status === 'compared' ? stat.notes : [];
    expect(plain.some((n) => /leaves out the trap/.test(n))).toBe(false);
  });

  it('a figure below 5 ns per op on both sides (clock reads through the vDSO) is no kernel time: no column entry', () => {
    const k = compareRunSets([file('host', 1, 4e-11)], [file('guest', 2, 2e-9)], { resamples: 500 }).rows.find((r) => r.id === 'sys.stat');
    expect(k?.status === 'compared' && k.kernel === undefined).toBe(true);
    const trapped = compareRunSets([file('host', 1, 4e-11)], [file('guest', 2, 2e-6)], { resamples: 500 }).rows.find(
      (r) => r.id === 'sys.stat',
    );
    expect(trapped?.status === 'compared' && trapped.kernel !== undefined && trapped.kernel.pointPct > 1000).toBe(true);
  });
});
