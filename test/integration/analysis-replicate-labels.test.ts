/**
 * One analysis pipeline (src/analysis): several files with one label are replicate runs of one host in
 * `report`, `compare --html`, `advise` and the collector's report page (not refused, not renamed); each
 * host is compared once, also with a profile; worker threads give the single-threaded comparisons.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostSetOf } from '../../src/analysis/hostset.js';
import { compareHosts, memoisedCompare, reweightingFor, type CompareHostFn } from '../../src/analysis/pipeline.js';
import { compareHostsInWorkers } from '../../src/analysis/workers.js';
import { loadProfile } from '../../src/advise/profile.js';
import { reportModelFrom } from '../../src/analysis/report.js';
import { renderComparisonReport } from '../../src/collector/report.js';
import { compareRunSets } from '../../src/stats/compare.js';
import { SYNTHETIC_METAL_HOST, syntheticResults, type SyntheticWorkload } from '../../src/stats/synthetic.js';
import type { ResultsFile } from '../../src/types.js';
import { runCli as cli } from '../helpers/cli.js';

const ws = (shift: number): SyntheticWorkload[] => [
  { id: 'cpu.int', category: 'cpu', better: 'higher', figure: 400, shift: shift / 4, rounds: 5, batches: 12, roundSd: 0.01, batchSd: 0.05 },
  { id: 'mem.latency', category: 'memory', better: 'lower', figure: 90, shift, rounds: 5, batches: 12, roundSd: 0.01, batchSd: 0.05 },
  {
    id: 'sys.stat',
    category: 'syscall',
    better: 'lower',
    figure: 900,
    shift: shift / 2,
    rounds: 5,
    batches: 12,
    roundSd: 0.01,
    batchSd: 0.05,
  },
];
const run = (label: string, seed: number, shift: number, host = {}) =>
  syntheticResults({ label, seed, workloads: ws(shift), host: { ...SYNTHETIC_METAL_HOST, ...host } });
const files: ResultsFile[] = [
  run('metal', 1, 0),
  run('metal', 2, 0.003),
  run('kvm', 3, 0.1, { platform: 'vm', hypervisor: 'kvm' }),
  run('kvm', 4, 0.105, { platform: 'vm', hypervisor: 'kvm' }),
  run('docker', 5, 0.01, { platform: 'container', container: 'docker' }),
  run('docker', 6, 0.012, { platform: 'container', container: 'docker' }),
];

let dir = '';
let paths: string[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'virtax-pipeline-'));
  paths = files.map((f, i) => {
    const p = join(dir, `${f.label}-${i}.json`);
    writeFileSync(p, JSON.stringify(f));
    return p;
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('same label = replicate runs, everywhere', () => {
  it('report: three hosts of two runs each, compared with runs as the top level', async () => {
    const out = join(dir, 'r.html');
    const r = await cli(['report', ...paths, '--out', out, '--resamples', '300']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^kvm vs metal: /m);
    expect(r.out).toMatch(/^docker vs metal: /m);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('2 replicate runs');
    expect(html).not.toContain('metal @ ');
    const model = await reportModelFrom({ results: paths, hostSet: { noisePct: 1, resamples: 300 } }, new Date(0), { workers: 1 });
    expect(model.hosts.map((h) => [h.label, h.runs])).toEqual([
      ['metal', 2],
      ['kvm', 2],
      ['docker', 2],
    ]);
    expect(model.forest.every((f) => f.method === 'runs-t')).toBe(true);
  });

  it("compare --html: the report of both sides' runs, one host each", async () => {
    const html = join(dir, 'cmp.html');
    const r = await cli([
      'compare',
      '--base',
      paths[0] as string,
      paths[1] as string,
      '--cand',
      paths[2] as string,
      paths[3] as string,
      '--html',
      html,
      '--resamples',
      '300',
    ]);
    expect(r.code).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('2 replicate runs');
    expect(page).not.toContain('metal @ ');
    expect(page).toMatch(/runs-t/);
  });

  it('advise: one option per label, its overhead from the runs', async () => {
    const r = await cli(['advise', ...paths, '--profile', 'examples/profiles/database.json', '--resamples', '300', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const a = JSON.parse(r.out) as { hosts: { label: string; overheadPct: { method: string } | null }[] };
    expect(a.hosts.map((h) => h.label)).toEqual(['metal', 'kvm', 'docker']);
    expect(a.hosts.find((h) => h.label === 'kvm')?.overheadPct).not.toBeNull();
  });

  it('collector /report?ids: results sharing a label are one host with its runs', () => {
    const page = renderComparisonReport(files, new Date(0));
    expect(page).toContain('2 replicate runs');
    expect(page).not.toContain('kvm @ ');
    expect(page).toContain('virtax report: 2 hosts compared with metal');
  });
});

describe('each host compared once', () => {
  it('report --profile compares each host once and takes the advice from the same comparisons', async () => {
    const calls: string[] = [];
    const real = memoisedCompare();
    const counting: CompareHostFn = (b, c, o, rw) => {
      calls.push(c[0]?.label ?? '?');
      return real(b, c, o, rw);
    };
    const model = await reportModelFrom(
      { results: paths, hostSet: { noisePct: 1, resamples: 300 }, profile: 'examples/profiles/database.json' },
      new Date(0),
      { compare: counting },
    );
    expect(calls).toEqual(['kvm', 'docker']);
    expect(model.advice?.hosts.map((h) => h.label)).toEqual(['metal', 'kvm', 'docker']);
  });

  it("the re-weighted overall equals the overall of a comparison made with the profile's options", () => {
    const set = hostSetOf(files, { noisePct: 1, resamples: 300 });
    for (const name of ['database', 'batch-job']) {
      const profile = loadProfile(`examples/profiles/${name}.json`);
      const rw = reweightingFor(profile);
      const [kvm] = compareHosts(set, rw);
      const direct = compareRunSets(set.base.runs, (set.groups[1] as { runs: ResultsFile[] }).runs, { ...set.opts, ...rw });
      expect(kvm?.reweighted, name).toEqual(direct.overall);
    }
  });

  it('the baseline resampled once (memo) gives the comparisons made one by one without it', () => {
    const one = files.filter((_, i) => i % 2 === 0); // one run per host: the bootstrap path
    const set = hostSetOf(one, { noisePct: 1, resamples: 300 });
    const shared = compareHosts(set, null);
    const alone = set.groups.slice(1).map((g) => compareRunSets(set.base.runs, g.runs, set.opts));
    expect(shared.map((h) => h.comparison)).toEqual(alone);
  });
});

describe('worker threads', () => {
  it('give the single-threaded comparisons, in order', async () => {
    for (const subset of [files, files.filter((_, i) => i % 2 === 0)]) {
      const set = hostSetOf(subset, { noisePct: 1, resamples: 300, seed: 7 });
      const rw = reweightingFor(loadProfile('examples/profiles/database.json'));
      const single = compareHosts(set, rw);
      const threaded = await compareHostsInWorkers(set, rw, { workers: 2 });
      expect(threaded).toEqual(single);
    }
  });
});
