import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaPath } from '../../src/results/io.js';
import { SYNTHETIC_METAL_HOST, syntheticResults, type SyntheticWorkload } from '../../src/stats/synthetic.js';
import { runCli as cli } from '../helpers/cli.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

let dir = '';
let a = '';
let b = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'virtax-compare-'));
  const ws = (shift: number): SyntheticWorkload[] => [
    { id: 'cpu.int', category: 'cpu', better: 'higher', figure: 400, rounds: 6, batches: 40, roundSd: 0.01, batchSd: 0.05 },
    { id: 'sys.stat', category: 'syscall', better: 'lower', figure: 900, shift, rounds: 6, batches: 40, roundSd: 0.01, batchSd: 0.05 },
    {
      id: 'mem.latency',
      category: 'memory',
      better: 'lower',
      figure: 90,
      shift: shift / 2,
      rounds: 6,
      batches: 40,
      roundSd: 0.01,
      batchSd: 0.05,
    },
  ];
  a = join(dir, 'metal.json');
  b = join(dir, 'vm.json');
  writeFileSync(a, JSON.stringify(syntheticResults({ label: 'metal', seed: 11, workloads: ws(0), host: SYNTHETIC_METAL_HOST })));
  writeFileSync(
    b,
    JSON.stringify(
      syntheticResults({ label: 'vm', seed: 12, workloads: ws(0.2), host: { ...SYNTHETIC_METAL_HOST, platform: 'vm', hypervisor: 'kvm' } }),
    ),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('virtax compare (CLI)', () => {
  it('prints the table with overhead, p, q, verdict, overall, noise and env diffs; exit 0', async () => {
    const r = await cli(['compare', a, b, '--resamples', '2000']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/workload\s+base median\s+cand median\s+overhead % \[interval\]\s+added per op \[interval\]\s+p\s+q\s+verdict/);
    expect(r.out).toMatch(/sys\.stat .*\+2\d\.\d% \[\+.*slower/); // true: exp(0.2) = +22.1%
    expect(r.out).toMatch(/^overall: \+/m);
    expect(r.out).toMatch(/round-to-round CV/);
    expect(r.out).toMatch(/hypervisor: \(none\) -> kvm/);
  });

  it('--json is valid against schema/comparison.v1.json and reproducible with the same seed', async () => {
    const r1 = await cli(['compare', a, b, '--json', '--resamples', '1000', '--seed', '5']);
    const r2 = await cli(['compare', a, b, '--json', '--resamples', '1000', '--seed', '5']);
    expect(r1.code).toBe(0);
    expect(r1.out).toBe(r2.out);
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(JSON.parse(readFileSync(schemaPath('results.v1.json'), 'utf8')) as object);
    const validate = ajv.compile(JSON.parse(readFileSync(schemaPath('comparison.v1.json'), 'utf8')) as object);
    const data = JSON.parse(r1.out) as { rows: { verdict?: string }[]; settings: { noisePct: number } };
    expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
    expect(data.settings.noisePct).toBe(1);
    // and the schema is not vacuous: a NaN turned null is rejected
    (data.rows[0] as Record<string, unknown>).pValue = null;
    expect(validate(data)).toBe(false);
  });

  it('--markdown and --csv write files; --noise and --alpha are honoured', async () => {
    const md = join(dir, 'out', 'cmp.md');
    const csv = join(dir, 'cmp.csv');
    const r = await cli(['compare', a, b, '--markdown', md, '--csv', csv, '--noise', '50%', '--alpha', '0.1', '--resamples', '500']);
    expect(r.code).toBe(0);
    expect(readFileSync(md, 'utf8')).toMatch(/^## virtax compare: vm vs metal/);
    expect(readFileSync(md, 'utf8')).toMatch(/\| sys\.stat \| .* \| same \(these 2 runs\) \|/); // +22% is inside ±50%; one run per side
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^id,category,status,unit,better,base_median/);
    expect(lines).toHaveLength(4);
  });

  it('--junit: one testcase per workload, a failure where the candidate is slower, the others pass', async () => {
    const junit = join(dir, 'cmp.xml');
    const r = await cli(['compare', a, b, '--junit', junit, '--resamples', '500']);
    expect(r.code).toBe(0);
    const x = readFileSync(junit, 'utf8');
    expect(x).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="virtax compare: vm vs metal" tests="3" failures="2" errors="0" skipped="0"/,
    );
    expect(x).toMatch(/<testcase classname="virtax.syscall" name="sys.stat" time="0">\n {6}<failure type="slower" message="\+2\d\.\d% \[/);
    expect(x).toMatch(/<testcase classname="virtax.cpu" name="cpu.int" time="0">\n {6}<system-out>cpu.int: /);
  });

  it('--base F... --cand F... compares replicate runs (t across runs); files grouped by label do the same', async () => {
    const ws = (shift: number): SyntheticWorkload[] => [
      { id: 'sys.stat', category: 'syscall', better: 'lower', figure: 900, shift, rounds: 5, batches: 20, roundSd: 0.01, batchSd: 0.05 },
    ];
    const f = (label: string, seed: number, shift: number) => {
      const p = join(dir, `${label}-${seed}.json`);
      writeFileSync(p, JSON.stringify(syntheticResults({ label, seed, workloads: ws(shift) })));
      return p;
    };
    const base = [f('m', 31, 0), f('m', 32, 0.003), f('m', 33, -0.004)];
    const cand = [f('v', 41, 0.2), f('v', 42, 0.205), f('v', 43, 0.195)];
    const r = await cli(['compare', '--base', ...base, '--cand', ...cand, '--json', '--resamples', '500']);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.out) as {
      scope: { baseRuns: number; candRuns: number; covers: string };
      rows: { overheadPct: { method: string }; verdict: string }[];
    };
    expect(c.scope).toMatchObject({ baseRuns: 3, candRuns: 3, covers: 'platforms' });
    expect(c.rows[0]?.overheadPct.method).toBe('runs-t');
    expect(c.rows[0]?.verdict).toBe('slower');
    const grouped = await cli([
      'compare',
      base[0] as string,
      cand[0] as string,
      base[1] as string,
      cand[1] as string,
      base[2] as string,
      cand[2] as string,
      '--json',
      '--resamples',
      '500',
    ]);
    expect(JSON.parse(grouped.out)).toEqual(c);
    const bad = await cli(['compare', '--base', base[0] as string]);
    expect(bad.code).toBe(2);
  });

  it('--html writes the two-host report; the same file on both sides still gets two distinct hosts', async () => {
    const html = join(dir, 'cmp.html');
    const r = await cli(['compare', a, b, '--html', html, '--resamples', '500']);
    expect(r.code).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).toContain('sys.stat');
    expect(page).not.toMatch(/<script[^>]+src=/); // self-contained: every script inlined
    const same = join(dir, 'aa.html');
    expect((await cli(['compare', a, a, '--html', same, '--resamples', '500'])).code).toBe(0);
    // A/A: one label on both sides; the report tells the two sides apart.
    expect(readFileSync(same, 'utf8')).toContain('metal (candidate)');
  });

  it('bad input exits 2 with one line', async () => {
    const newer = join(dir, 'v2.json');
    writeFileSync(newer, JSON.stringify({ ...JSON.parse(readFileSync(a, 'utf8')), schema: 'virtax.results/v2' }));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"schema": "virtax.results/v1", "id": ');
    for (const args of [
      ['compare', a, join(dir, 'nope.json')],
      ['compare', a, newer],
      ['compare', broken, b],
      ['compare', a, b, '--noise', 'lots'],
      ['compare', a, b, '--alpha', '3'],
      ['compare', a, b, '--resamples', '10'],
      ['compare', a],
    ]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    expect((await cli(['compare', a, newer])).err).toMatch(/newer virtax/);
  });
});
