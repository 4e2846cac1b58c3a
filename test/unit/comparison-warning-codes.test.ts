/**
 * Comparison warnings are codes and numbers (src/types.ts `ComparisonWarning`); their words come from one place
 * (src/format/warnings.ts). The schema's list of codes is the union's, and a reader decides on codes, never words.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { noteText } from '../../src/format/notes.js';
import { warningCodesOf, warningText } from '../../src/format/warnings.js';
import { compareRunSets } from '../../src/stats/compare.js';
import { syntheticResults } from '../../src/stats/synthetic.js';
import type { ComparisonWarning } from '../../src/types.js';

/** The codes of a union, read from its declaration in src/types.ts (source text, not prose). */
function unionCodes(name: string): string[] {
  const src = readFileSync('src/types.ts', 'utf8');
  const start = src.indexOf(`export type ${name} =`);
  const end = src.indexOf('\n\n', start);
  const decl = src.slice(start, end < 0 ? undefined : end);
  return [...decl.matchAll(/\{\s*code: '([a-z-]+)'/g)].map((m) => m[1] as string);
}

describe('comparison warning codes', () => {
  it("the schema lists exactly the unions' codes, for warnings and for row notes", () => {
    const schema = JSON.parse(readFileSync('schema/comparison.v1.json', 'utf8'));
    const warnings = unionCodes('ComparisonWarning');
    expect(warnings.length).toBeGreaterThan(15);
    expect([...schema.properties.warningCodes.items.properties.code.enum].sort()).toEqual([...warnings].sort());
    const notes = unionCodes('RowNote');
    expect(notes.length).toBeGreaterThan(25);
    const compared = schema.definitions.row.oneOf.find(
      (r: { properties: { status: { const: string } } }) => r.properties.status.const === 'compared',
    );
    expect([...compared.properties.noteCodes.items.properties.code.enum].sort()).toEqual([...notes].sort());
  });

  it('the words of a comparison are its codes rendered, in order; the codes carry the numbers', () => {
    const workloads = (shift: number, rounds: number) => [
      { id: 'cpu.int', figure: 100, rounds },
      { id: 'sys.stat', category: 'syscall' as const, figure: 800, shift, rounds },
    ];
    const base = syntheticResults({ label: 'metal', seed: 1, workloads: workloads(0, 5) });
    const cand = syntheticResults({
      label: 'vm',
      seed: 2,
      workloads: workloads(0.2, 3),
      unfinished: true,
      host: { cpuModel: 'Other CPU' },
    });
    const c = compareRunSets([base], [cand], { resamples: 300 });
    expect(c.warnings).toEqual(c.warningCodes.map(warningText));
    const codes = c.warningCodes.map((w) => w.code);
    expect(codes).toEqual(expect.arrayContaining(['cpu-models-differ', 'partial-run', 'round-counts-differ', 'one-run-per-side']));
    expect(c.warningCodes).toContainEqual({ code: 'round-counts-differ', suite: 'quick', baseRounds: 5, candRounds: 3 });
    expect(c.warningCodes).toContainEqual({ code: 'cpu-models-differ', base: base.host.cpu.model, cand: 'Other CPU' });
    // Row notes likewise: words are the codes rendered; 3 rounds on a side is a code with its count.
    for (const r of c.rows) if (r.status === 'compared') expect(r.notes).toEqual(r.noteCodes.map(noteText));
    const stat = c.rows.find((r) => r.id === 'sys.stat');
    expect(stat?.status === 'compared' && stat.noteCodes).toContainEqual({ code: 'few-rounds', rounds: 3 });
  });

  it('a comparison written before codes existed is read with its words as text codes', () => {
    const old = { warnings: ['CPU MODELS DIFFER (base "a", candidate "b"): ...'] };
    const read: ComparisonWarning[] = warningCodesOf(old);
    expect(read).toEqual([{ code: 'text', text: old.warnings[0] }]);
    expect(read.map(warningText)).toEqual(old.warnings);
  });
});
