import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ageOf, describeBaseline, saveBaseline } from '../../src/baseline/store.js';
import { main } from '../../src/cli/main.js';
import { saveResults } from '../../src/results/io.js';
import { syntheticResults } from '../../src/stats/synthetic.js';

const run = (seed: number, over: Partial<Parameters<typeof syntheticResults>[0]> = {}) =>
  syntheticResults({
    seed,
    rounds: 3,
    batches: 4,
    label: 'ci-kvm',
    startedAt: `2026-11-2${seed}T08:00:00.000Z`,
    workloads: [{ id: 'cpu.int', figure: 10 }],
    ...over,
  });

function files(...seeds: number[]): { dir: string; paths: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'virtax-bl-'));
  const paths = seeds.map((s) => {
    const p = join(dir, `r${s}.json`);
    saveResults(p, run(s));
    return p;
  });
  return { dir, paths };
}

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

describe('baseline save', () => {
  it('copies validated runs byte for byte under sortable names and keeps an index', () => {
    const { dir, paths } = files(1, 2);
    const target = join(dir, 'baselines', 'ci-kvm');
    const rep = saveBaseline(paths, target, new Date('2026-11-25T00:00:00Z'));
    expect(rep.saved).toHaveLength(2);
    const names = readdirSync(target).sort();
    expect(names).toEqual([...rep.index.runs.map((r) => r.file), 'index.json'].sort());
    expect(names[0]).toMatch(/^2026-11-21T08-00-00-000Z-[0-9a-f]{8}\.json$/);
    expect(readFileSync(join(target, names[0] as string), 'utf8')).toBe(readFileSync(paths[0] as string, 'utf8'));
    const idx = JSON.parse(readFileSync(join(target, 'index.json'), 'utf8'));
    expect(idx.runs[0]).toMatchObject({
      label: 'ci-kvm',
      suite: 'quick',
      savedAt: '2026-11-25T00:00:00.000Z',
      source: paths[0],
      host: { hypervisor: 'kvm' },
      workloads: { ok: 1, skipped: 0, failed: 0 },
    });
    expect(readdirSync(target).some((n) => n.endsWith('.tmp'))).toBe(false);
  });

  it('skips a run already saved and adds new ones', () => {
    const { dir, paths } = files(1, 2);
    const target = join(dir, 'b');
    saveBaseline([paths[0] as string], target, new Date());
    const rep = saveBaseline(paths, target, new Date());
    expect(rep.saved.map((s) => s.from)).toEqual([paths[1]]);
    expect(rep.skipped[0]?.reason).toMatch(/already in/);
    expect(rep.index.runs).toHaveLength(2);
  });

  it('refuses an unfinished run, an invalid file and another host class, writing nothing', () => {
    const { dir, paths } = files(1);
    const target = join(dir, 'b');
    const partial = join(dir, 'partial.json');
    saveResults(partial, run(2, { unfinished: true }));
    expect(() => saveBaseline([paths[0] as string, partial], target, new Date())).toThrow(/partial.json: unfinished run/);
    expect(existsSync(target)).toBe(false);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"schema":"virtax.results/v1"}');
    expect(() => saveBaseline([bad], target, new Date())).toThrow(/bad.json: invalid results file/);
    saveBaseline([paths[0] as string], target, new Date());
    const xen = join(dir, 'xen.json');
    saveResults(xen, run(3, { host: { hypervisor: 'xen' } }));
    expect(() => saveBaseline([xen], target, new Date())).toThrow(/xen.json: not the same host class .* hypervisor "xen" vs "kvm"/);
  });
});

describe('baseline show', () => {
  it('says how many runs, their fingerprints, age, suite and labels', () => {
    const { dir, paths } = files(1, 2);
    const target = join(dir, 'b');
    saveBaseline(paths, target, new Date());
    const idx = describeBaseline(target);
    expect(idx.runs).toHaveLength(2);
    expect(ageOf('2026-11-23T08:00:00Z', new Date('2026-11-25T08:00:00Z'))).toBe('2 d');
    expect(ageOf('2026-11-25T05:00:00Z', new Date('2026-11-25T08:00:00Z'))).toBe('3 h');
  });

  it('CLI: save then show, exit 0; bad input exits 2 with one line', async () => {
    const { dir, paths } = files(1, 2, 3);
    const target = join(dir, 'baselines', 'ci-kvm');
    expect(await main(['baseline', 'save', ...paths, '--dir', target])).toBe(0);
    expect(out).toContain(`${target} now holds 3 runs`);
    out = '';
    expect(await main(['baseline', 'show', target])).toBe(0);
    expect(out).toContain(`baseline ${target}: 3 runs`);
    expect(out).toContain('host class: Synthetic CPU @ 2.0GHz / kvm');
    expect(out).toMatch(/label\s+suite\s+started\s+age\s+platform\s+cpu\s+kernel\s+workloads/);
    expect(out).toContain('container-in-vm/kvm');
    expect(out).toContain('6.1.0-synthetic');

    err = '';
    expect(await main(['baseline', 'show', join(dir, 'nope')])).toBe(2);
    expect(err).toMatch(/^virtax: .*nope: no such baseline directory\n$/);
    err = '';
    writeFileSync(join(target, 'zz-corrupt.json'), '{ "sche');
    expect(await main(['baseline', 'show', target])).toBe(2);
    expect(err).toMatch(/zz-corrupt.json: not valid JSON/);
    err = '';
    expect(await main(['baseline', 'save', paths[0] as string])).toBe(2);
    expect(err).toMatch(/--dir is required/);
  });
});
