/**
 * The terminal table of `compare` at 100 and 150 columns (issue 23): it loses whole columns and says so, and
 * moves verdict notes under the table, rather than cutting a verdict mid-word.
 */
import { describe, expect, it } from 'vitest';
import { comparisonTable } from '../../src/report/comparison-exporters.js';
import { comparisonOf, estimate, fingerprintOf, resultsOf, rowOf, WORKLOADS } from '../helpers/report-fixtures.js';

function wide() {
  const base = resultsOf('firecracker-epyc-host-vm', fingerprintOf(), WORKLOADS);
  const cand = resultsOf('firecracker-epyc-podman-gvisor', fingerprintOf({ platform: 'sandbox-in-vm', container: 'gvisor' }), WORKLOADS);
  const rows = [
    rowOf('cpu.int', 'cpu', estimate(-0.9, -2.6, 2.1)),
    {
      ...rowOf('sys.read', 'syscall', estimate(13756.9, 10137.3, 26435.7)),
      unit: 'ns/roundtrip',
      kernel: { baseSecondsPerOp: 1e-7, candSecondsPerOp: 6e-7, overheadPct: estimate(525.4, 464.4, 2414.2), pointPct: 525.4 },
    },
    {
      status: 'not-compared' as const,
      id: 'mem.pagefault',
      category: 'memory' as const,
      title: 'page faults',
      reason: 'skipped on candidate: this kernel counts no minor page faults (minflt stayed at 0 while 10240 fresh pages were written)',
    },
  ];
  const c = comparisonOf(base, cand, rows, estimate(220, 127, 275));
  c.scope = { baseRuns: 1, candRuns: 1, covers: 'these-runs', statement: 'one run per side' };
  return c;
}

describe('compare table width', () => {
  it.each([100, 150])('at %i columns: every table line fits, no verdict is cut, what was left out is said', (width) => {
    const text = comparisonTable(wide(), { width });
    const lines = text.split('\n');
    const start = lines.findIndex((l) => l.startsWith('workload'));
    const table = lines.slice(
      start,
      lines.findIndex((l, i) => i > start && !/^(-|cpu\.int|sys\.read|mem\.pagefault|workload)/.test(l)),
    );
    expect(table.length).toBe(5);
    for (const l of table) expect(l.length).toBeLessThanOrEqual(width);
    expect(table.join('\n')).not.toContain('…');
    expect(table.find((l) => l.startsWith('cpu.int'))).toMatch(/inconclusive$/);
    expect(table.find((l) => l.startsWith('sys.read'))).toMatch(/slower$/);
    expect(text).toMatch(/mem\.pagefault: not compared: skipped on candidate: this kernel counts no minor page faults/);
  });

  it('with room, the full table: verdict notes in the column, nothing left out', () => {
    const text = comparisonTable(wide(), { width: null });
    expect(text).toMatch(/slower \(these 2 runs\)/);
    expect(text).not.toMatch(/left out to fit/);
  });
});
