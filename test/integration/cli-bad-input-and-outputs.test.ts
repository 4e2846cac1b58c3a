/**
 * CLI hygiene: numeric flags checked up front, output files written all-or-nothing with one line naming the
 * user's path, kernel file systems refused instead of hanging, conflicting flags refused, one --only matcher.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { joinNegativeValues } from '../../src/cli/main.js';
import { idMatches } from '../../src/results/ids.js';
import { saveResults } from '../../src/results/io.js';
import { writeOutputs } from '../../src/results/output.js';
import { runCli } from '../helpers/cli.js';
import { shiftOf, syntheticResults, type SyntheticWorkload } from '../../src/stats/synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'virtax-hygiene-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const w = (id: string, effectPct: number, category: SyntheticWorkload['category'] = 'cpu'): SyntheticWorkload => ({
  id,
  figure: 100,
  shift: shiftOf(effectPct),
  category,
});
const WS = [w('cpu.int', 0), w('mem.latency', 5, 'memory'), w('mem.bandwidth', 5, 'memory')];
const paths = { base: join(dir, 'base.json'), cand: join(dir, 'cand.json'), bl: join(dir, 'bl') };

beforeAll(() => {
  saveResults(
    paths.base,
    syntheticResults({ seed: 1, rounds: 6, batches: 8, label: 'base', workloads: WS.map((x) => ({ ...x, shift: 0 })) }),
  );
  saveResults(paths.cand, syntheticResults({ seed: 2, rounds: 6, batches: 8, label: 'cand', workloads: WS }));
});

/** One line on stderr, exit 2, nothing on stdout. */
function oneLine(r: { code: number; out: string; err: string }, re: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.err).toMatch(re);
}

describe('numeric flags', () => {
  it('run --seed abc is exit 2 naming the flag and the value, before anything runs', async () => {
    const out = join(dir, 'never.json');
    const r = await runCli(['run', '--seed', 'abc', '--only', 'cpu.int', '--out', out, '--no-progress']);
    oneLine(r, /^virtax: --seed: expected a number \(got "abc"\)$/m);
    expect(existsSync(out)).toBe(false);
  });

  it('--noise -5% reaches the flag check (not "Unknown arguments: 5, %")', async () => {
    expect(joinNegativeValues(['compare', 'a', 'b', '--noise', '-5%'])).toEqual(['compare', 'a', 'b', '--noise=-5%']);
    oneLine(await runCli(['compare', paths.base, paths.cand, '--noise', '-5%']), /--noise: expected a percentage from 0% to below 100%/);
    oneLine(
      await runCli(['gate', '--baseline', paths.base, '--current', paths.cand, '--noise', '-5%']),
      /--noise: expected a percentage from 0% to below 100%/,
    );
    oneLine(
      await runCli(['gate', '--baseline', paths.base, '--current', paths.cand, '--max-regression', '-1']),
      /--max-regression: expected a percentage of 0% or more/,
    );
    oneLine(
      await runCli(['report', paths.base, '--out', join(dir, 'r.html'), '--resamples', 'many']),
      /--resamples: expected a number \(got "many"\)/,
    );
  });
});

describe('output files', () => {
  it('report --out OK --markdown /proc/x.md leaves no r.html behind', async () => {
    const out = join(dir, 'partial.html');
    const r = await runCli(['report', paths.base, paths.cand, '--out', out, '--markdown', '/proc/x.md', '--resamples', '200']);
    oneLine(r, /--markdown \/proc\/x\.md: \/proc is on a kernel file system \(proc\)/);
    expect(existsSync(out)).toBe(false);
  });

  it('writeOutputs renames nothing when a later file cannot be written', () => {
    const a = join(dir, 'wo-a.txt');
    mkdirSync(join(dir, 'wo-dir'));
    expect(() =>
      writeOutputs([
        { path: a, data: 'a', flag: '--a' },
        { path: join(dir, 'wo-dir'), data: 'b', flag: '--b' },
      ]),
    ).toThrow(/--b .*wo-dir: is a directory/);
    expect(existsSync(a)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('report --png /proc/pngs and baseline save --dir /proc/bl are refused, not hung', async () => {
    oneLine(
      await runCli(['report', paths.base, '--out', join(dir, 'p.html'), '--png', '/proc/pngs']),
      /--png \/proc\/pngs: \/proc is on a kernel file system/,
    );
    oneLine(await runCli(['baseline', 'save', paths.base, '--dir', '/proc/bl']), /\/proc\/bl.*: \/proc is on a kernel file system/);
    expect(existsSync(join(dir, 'p.html'))).toBe(false);
  });

  it('--out naming a directory, or a path under a file, is one line naming the path', async () => {
    const resultsDir = join(dir, 'results');
    mkdirSync(resultsDir, { recursive: true });
    oneLine(
      await runCli(['run', '--only', 'cpu.int', '--out', resultsDir, '--no-progress']),
      /--out .*results: is a directory; name a file inside it/,
    );
    oneLine(
      await runCli(['run', '--only', 'cpu.int', '--out', join(paths.base, 'x.json'), '--no-progress']),
      /--out .*base\.json\/x\.json: .*base\.json is a file, not a directory/,
    );
    oneLine(
      await runCli(['compare', paths.base, paths.cand, '--markdown', join(paths.cand, 'x.md')]),
      /--markdown .*cand\.json is a file, not a directory/,
    );
    oneLine(
      await runCli(['gate', '--baseline', paths.base, '--current', paths.cand, '--junit', resultsDir]),
      /--junit .*results: is a directory/,
    );
    expect(readdirSync(resultsDir)).toEqual([]);
  });

  it('compare --markdown --csv --html writes all three', async () => {
    const o = { md: join(dir, 'c', 'c.md'), csv: join(dir, 'c', 'c.csv'), html: join(dir, 'c', 'c.html') };
    const r = await runCli(['compare', paths.base, paths.cand, '--markdown', o.md, '--csv', o.csv, '--html', o.html, '--resamples', '200']);
    expect(r.code).toBe(0);
    for (const p of Object.values(o)) expect(existsSync(p)).toBe(true);
  });
});

describe('conflicting flags and inputs', () => {
  it('run --resume F with --suite/--only/--rounds is refused naming them', async () => {
    const partial = join(dir, 'partial.json');
    saveResults(partial, syntheticResults({ seed: 5, rounds: 2, batches: 4, workloads: [w('cpu.int', 0)], unfinished: true }));
    oneLine(
      await runCli(['run', '--resume', partial, '--suite', 'standard', '--only', 'cpu.int', '--rounds', '5', '--no-progress']),
      /drop --suite, --only, --rounds$/m,
    );
  });

  it('run --resume on a finished file is refused and the file is not rewritten', async () => {
    const before = (await import('node:fs')).readFileSync(paths.base, 'utf8');
    oneLine(await runCli(['run', '--resume', paths.base, '--no-progress']), /already finished at .*; nothing to resume/);
    expect((await import('node:fs')).readFileSync(paths.base, 'utf8')).toBe(before);
  });

  it('run --peer without a network workload is refused', async () => {
    oneLine(
      await runCli(['run', '--only', 'cpu.int', '--peer', '10.0.0.2:7878', '--no-progress']),
      /--peer: none of the selected workloads uses the network/,
    );
  });

  it('upload of a missing or truncated file is exit 2 before anything is sent', async () => {
    const cut = join(dir, 'cut.json');
    writeFileSync(cut, '{"schema":"virtax.results/v1",');
    oneLine(
      await runCli(['upload', join(dir, 'nonexist.json'), '--to', 'http://127.0.0.1:9']),
      /nonexist\.json: cannot read \(no such file\)/,
    );
    oneLine(await runCli(['upload', cut, '--to', 'http://127.0.0.1:9']), /cut\.json: not valid JSON/);
  });

  it('compare --only: unknown id is exit 2 like gate; mem.* matches like run --only', async () => {
    oneLine(await runCli(['compare', paths.base, paths.cand, '--only', 'foo.bar']), /--only: no workload foo\.bar in /);
    const r = await runCli(['compare', paths.base, paths.cand, '--only', 'mem.*', '--json', '--resamples', '200']);
    expect(r.code).toBe(0);
    const ids = (JSON.parse(r.out) as { rows: { id: string }[] }).rows.map((x) => x.id).sort();
    expect(ids).toEqual(['mem.bandwidth', 'mem.latency']);
    expect([
      idMatches('mem.latency', 'mem'),
      idMatches('mem.latency', 'mem.*'),
      idMatches('mem.latency', '*.latency'),
      idMatches('memx.a', 'mem'),
    ]).toEqual([true, true, true, false]);
  });

  it('gate --baseline DIR --current C notices that C is already in DIR', async () => {
    const other = join(dir, 'other.json');
    saveResults(other, syntheticResults({ seed: 9, rounds: 6, batches: 8, label: 'base', workloads: WS.map((x) => ({ ...x, shift: 0 })) }));
    expect((await runCli(['baseline', 'save', paths.base, other, '--dir', paths.bl])).code).toBe(0);
    oneLine(
      await runCli(['gate', '--baseline', paths.bl, '--current', other, '--resamples', '200']),
      /is run .*, already in baseline .*bl/,
    );
  });
});
