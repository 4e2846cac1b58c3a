/**
 * Duet against interleaved duels under an intermittent neighbour (issue 25; the table in docs/duel.md).
 *
 *   npx tsx scripts/duet-vs-interleaved.ts [--reps N] [--budget S] [--only ids] [--quota P] [--on 2s --off 3s]
 *                                          [--conditions aa,effect] [--out DIR]
 *
 * Starts `virtax aggressor --kind cpu --on 2s --off 3s` on all cores for the whole experiment, then repeats: for
 * each condition (A/A: the same agent on both sides, each in a container without quota; effect: B in a container
 * held to P% of a CPU, expected ~ +100/P - 100 %) both modes in a seeded random order, each a duel with
 * `--rounds auto` whose target is never reached, so each stops at the same time budget S. Per mode, workload and
 * condition it reports the mean half-width of the 95% interval, how many A/A intervals cover 0 and the median
 * estimate, with the load average around each duel (the machine may be shared: say so where the table goes).
 * `--conditions aa` runs the A/A duels alone (the coverage question needs 20+ repetitions per mode).
 * Needs root (containers with a cgroup v1 cpu quota, scripts/container-agent.sh). Writes every duel's files,
 * cells.json (one line per duel and workload) and summary.json, summary.md under --out; `--cells F` renders the
 * summary of an earlier cells.json without running anything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Comparison } from '../src/stats/types.js';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    budget: { type: 'string', default: '40' },
    only: { type: 'string', default: 'cpu.int,cpu.float,sys.stat,crypto.sha256' },
    quota: { type: 'string', default: '95' },
    on: { type: 'string', default: '2s' },
    off: { type: 'string', default: '3s' },
    out: { type: 'string', default: 'results/duet-vs-interleaved' },
    'round-seconds': { type: 'string', default: '0.5' },
    cells: { type: 'string' },
    conditions: { type: 'string', default: 'aa,effect' },
  },
});
const reps = Number(values.reps);
const budget = Number(values.budget);
const quota = Number(values.quota);
const only = values.only.split(',');
const conditions = values.conditions.split(',').filter((c): c is 'aa' | 'effect' => c === 'aa' || c === 'effect');
if (!conditions.length) throw new Error('--conditions: aa, effect or both (aa,effect)');
const out = values.out;
mkdirSync(out, { recursive: true });

const cli = [process.execPath, '--import', 'tsx', join(root, 'src/cli/run-cli.ts')];
const agent = `${cli.join(' ')} agent`;
const container = (q?: number) => `${join(root, 'scripts/container-agent.sh')} ${q ? `--cpu-quota ${q}` : ''} -- ${agent}`;

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((res) => {
    const p = spawn(cli[0] as string, [...cli.slice(1), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    p.on('close', (code) => res({ code, stderr }));
  });
}

interface Cell {
  rep: number;
  condition: 'aa' | 'effect';
  mode: 'interleaved' | 'duet';
  id: string;
  pairs: number;
  point: number;
  lo: number;
  hi: number;
  verdict: string;
  load: [number, number];
}

const cells: Cell[] = values.cells ? (JSON.parse(readFileSync(values.cells, 'utf8')) as Cell[]) : [];
if (!values.cells) await measure();

async function measure(): Promise<void> {
  const aggressor: ChildProcess = spawn(
    cli[0] as string,
    [
      ...cli.slice(1),
      'aggressor',
      '--kind',
      'cpu',
      '--on',
      values.on,
      '--off',
      values.off,
      '--seconds',
      String(Math.ceil(reps * 2 * conditions.length * (budget + 40))),
    ],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const stop = () => aggressor.kill('SIGTERM');
  process.on('SIGINT', () => (stop(), process.exit(130)));
  let seed = 1;
  try {
    await new Promise((r) => setTimeout(r, 2000));
    for (let rep = 1; rep <= reps; rep++) {
      for (const condition of conditions) {
        const modes = (rep + (condition === 'aa' ? 0 : 1)) % 2 ? (['interleaved', 'duet'] as const) : (['duet', 'interleaved'] as const);
        for (const mode of modes) {
          const dir = join(out, `${condition}-${mode}-${rep}`);
          const l0 = loadavg()[0] as number;
          const r = await run([
            'duel',
            '--mode',
            mode,
            '--a',
            container(),
            '--b',
            container(condition === 'effect' ? quota : undefined),
            '--only',
            ...only,
            '--rounds',
            'auto',
            '--target',
            '0.001%',
            '--budget',
            String(budget),
            '--max-rounds',
            '1000',
            '--round-seconds',
            values['round-seconds'],
            '--seed',
            String(seed++),
            '--noise',
            '1%',
            '--out',
            dir,
          ]);
          const l1 = loadavg()[0] as number;
          if (r.code !== 0) {
            process.stderr.write(`${condition} ${mode} rep ${rep}: exit ${r.code}: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}\n`);
            continue;
          }
          const c = JSON.parse(readFileSync(join(dir, 'comparison.json'), 'utf8')) as Comparison;
          for (const row of c.rows) {
            if (row.status !== 'compared') continue;
            cells.push({
              rep,
              condition,
              mode,
              id: row.id,
              pairs: row.base.rounds,
              point: row.overheadPct.point,
              lo: row.overheadPct.lo,
              hi: row.overheadPct.hi,
              verdict: row.verdict,
              load: [l0, l1],
            });
          }
          process.stderr.write(
            `${condition} ${mode} rep ${rep}: ${c.rows.map((x) => (x.status === 'compared' ? `${x.id} ${x.overheadPct.point.toFixed(1)}% ±${((x.overheadPct.hi - x.overheadPct.lo) / 2).toFixed(1)}` : `${x.id} -`)).join(', ')} (load ${l0.toFixed(1)}-${l1.toFixed(1)})\n`,
          );
          writeFileSync(join(out, 'cells.json'), `${JSON.stringify(cells, null, 1)}\n`);
        }
      }
    }
  } finally {
    stop();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length ? (s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2) : Number.NaN;
};
const lines = [
  `| workload | condition | mode | duels | pairs (median) | half-width of the 95% interval: median (mean) | A/A intervals covering 0 | estimate (median) | duet narrower by (medians) |`,
  `|---|---|---|---:|---:|---:|---:|---:|---:|`,
];
const summary: Record<string, unknown>[] = [];
for (const id of only) {
  for (const condition of ['aa', 'effect'] as const) {
    const hw: Record<string, number> = {};
    for (const mode of ['interleaved', 'duet'] as const) {
      const cs = cells.filter((c) => c.id === id && c.condition === condition && c.mode === mode);
      if (!cs.length) continue;
      const half = cs.map((c) => (c.hi - c.lo) / 2);
      const meanHalf = half.reduce((a, b) => a + b, 0) / half.length;
      hw[mode] = median(half);
      const covers = cs.filter((c) => c.lo <= 0 && c.hi >= 0).length;
      const row = {
        id,
        condition,
        mode,
        duels: cs.length,
        pairs: median(cs.map((c) => c.pairs)),
        halfWidthPct: hw[mode],
        meanHalfWidthPct: meanHalf,
        covers0: covers,
        estimatePct: median(cs.map((c) => c.point)),
      };
      summary.push(row);
      const ratio = mode === 'duet' && hw.interleaved !== undefined ? `${(hw.interleaved / (hw.duet as number)).toFixed(1)}x` : '';
      lines.push(
        `| ${id} | ${condition === 'aa' ? 'A/A' : `B at ${quota}% CPU`} | ${mode} | ${cs.length} | ${row.pairs} | ±${row.halfWidthPct.toFixed(1)}% (±${meanHalf.toFixed(1)}%) | ${condition === 'aa' ? `${covers}/${cs.length}` : ''} | ${row.estimatePct >= 0 ? '+' : ''}${row.estimatePct.toFixed(1)}% | ${ratio} |`,
      );
    }
  }
}
const loads = cells.flatMap((c) => c.load);
const repsDone = new Set(cells.map((c) => c.rep)).size;
lines.push(
  '',
  `${repsDone} repetitions per mode and condition, ${budget} s per duel, neighbour: cpu aggressor on all cores, on ${values.on} / off ${values.off}; one-minute load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} around the duels.`,
);
writeFileSync(
  join(out, 'summary.json'),
  `${JSON.stringify({ reps, budget, quota, only, on: values.on, off: values.off, rows: summary }, null, 1)}\n`,
);
writeFileSync(join(out, 'summary.md'), `${lines.join('\n')}\n`);
process.stdout.write(`${lines.join('\n')}\n`);
