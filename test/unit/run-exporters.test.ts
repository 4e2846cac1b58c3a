/** `virtax run --markdown/--csv/--junit/--html`: the exporters of one results file (src/report/run-exporters.ts). */
import { describe, expect, it } from 'vitest';
import { runReportHtml } from '../../src/analysis/run-report.js';
import { runCsv, runJunit, runMarkdown } from '../../src/report/run-exporters.js';
import { syntheticResults } from '../../src/stats/synthetic.js';
import type { ResultsFile } from '../../src/types.js';

function file(): ResultsFile {
  const f = syntheticResults({
    label: 'kvm | <b>"vm"</b>',
    seed: 5,
    workloads: [
      { id: 'cpu.int', category: 'cpu', better: 'higher', figure: 400, rounds: 5, batches: 20, roundSd: 0.02, batchSd: 0.05 },
      { id: 'sys.stat', category: 'syscall', better: 'lower', figure: 900, rounds: 1, batches: 20, roundSd: 0.02, batchSd: 0.05 },
    ],
  });
  f.workloads.push({
    id: 'mem.pagefault',
    category: 'memory',
    title: 'page faults',
    status: 'skipped',
    reason: 'no minor-fault counter, | here',
  });
  f.workloads.push({ id: 'io.fsync', category: 'storage', title: 'fsync', status: 'failed', reason: 'EROFS: read-only <file system>' });
  return f;
}

describe('run exporters', () => {
  it('Markdown: one escaped row per workload; one round reads cv n/a; skipped and failed rows carry their reason', () => {
    const md = runMarkdown(file());
    expect(md).toMatch(/^## virtax run: kvm \\\| /); // the label's pipe cannot split a table or inject HTML
    expect(md).not.toContain('<b>');
    const rows = md.split('\n').filter((l) => /^\| [a-z]/.test(l) && !l.startsWith('| workload'));
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatch(/^\| cpu\.int \| Mops\/s \| 4\d\d(\.\d)? \| \d\.\d% \|/);
    expect(rows[1]).toMatch(/^\| sys\.stat \| .* \| n\/a \|/);
    expect(rows[2]).toBe('| mem.pagefault |  | **skipped** |  |  |  |  |  | no minor\\-fault counter, \\| here |');
    expect(rows[3]).toMatch(/\*\*failed\*\*.*EROFS/);
  });

  it('CSV: header and one quoted line per workload, full precision, cv empty with one round', () => {
    const f = file();
    const lines = runCsv(f).trim().split('\n');
    expect(lines[0]).toBe('id,category,status,unit,better,median,mean,min,max,cv,batch_p50,worst_1pct,steal_pct,rounds,reason');
    expect(lines).toHaveLength(5);
    const ok = f.workloads[0];
    if (ok?.status !== 'ok') throw new Error('fixture');
    expect(lines[1]?.split(',')[5]).toBe(String(ok.summary.median));
    expect(lines[2]?.split(',')[9]).toBe('');
    expect(lines[3]).toBe('mem.pagefault,memory,skipped,,,,,,,,,,,,"no minor-fault counter, | here"');
  });

  it('JUnit: a failed workload fails, a skipped one is skipped, a measured one passes with its figures; XML escaped', () => {
    const x = runJunit(file());
    expect(x).toMatch(
      /<testsuites name="virtax run: kvm \| &lt;b&gt;&quot;vm&quot;&lt;\/b&gt;" tests="4" failures="1" errors="0" skipped="1"/,
    );
    expect(x).toMatch(
      /<testcase classname="virtax.storage" name="io.fsync" time="0">\n {6}<failure type="failed" message="EROFS: read-only &lt;file system&gt;">/,
    );
    expect(x).toMatch(
      /<testcase classname="virtax.memory" name="mem.pagefault" time="0">\n {6}<skipped message="no minor-fault counter, \| here"\/>/,
    );
    expect(x).toMatch(/<system-out>cpu.int: median 4\d\d(\.\d)? Mops\/s \(higher is better\), cv \d\.\d%, 5 rounds<\/system-out>/);
  });

  it('HTML: the one-host report, self-contained, the label escaped', () => {
    const h = runReportHtml(file(), new Date('2026-11-30T00:00:00Z'));
    expect(h).toMatch(/^<!doctype html>/i);
    expect(h).toContain('cpu.int');
    expect(h).not.toContain('<b>"vm"</b>');
  });
});
