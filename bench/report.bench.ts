/**
 * Report size and speed over many hosts: 50 hosts x 25 workloads (synthetic files, 10 rounds each).
 * Targets: renders (model + chart specs + HTML) in under 3 s and weighs under 3 MB (issue 6; comparisons
 * hand-built, so that number measures the report, not the bootstrap); and `virtax report` over the 50
 * files, as a user types it, in under 3 s end to end (issue 14).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { renderReport } from '../src/report/html.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { buildReportModel } from '../src/report/model.js';
import { reportSpecs } from '../src/report/specs.js';
import { createRng } from '../src/stats/random.js';
import type { Category, ResultsFile } from '../src/types.js';
import { comparisonOf, estimate, fingerprintOf, resultsOf, rowOf, type WorkloadSpec } from '../test/helpers/report-fixtures.js';

const HOSTS = 50;
const WORKLOADS = 25;
const ROUNDS = 10;
/** Runs of `virtax report` per measurement (the least wall time is reported). */
const COMMAND_RUNS = 3;

export function syntheticFleet(hosts = HOSTS, workloads = WORKLOADS, rounds = ROUNDS) {
  const rng = createRng(42);
  const cats: Category[] = ['cpu', 'memory', 'syscall', 'process', 'crypto', 'storage', 'network'];
  const specsFor = (slow: number): WorkloadSpec[] =>
    Array.from({ length: workloads }, (_, i) => {
      const category = cats[i % cats.length] as Category;
      const base = 100 * (1 + i);
      return {
        id: `${category}.w${i}`,
        category,
        better: i % 2 ? 'higher' : 'lower',
        unit: i % 2 ? 'ops/s' : 'ns/op',
        figures: Array.from({ length: rounds }, () => base * (1 + (slow * (i % 5)) / 10) * (1 + (rng.float() - 0.5) * 0.04)),
      };
    });
  const files: ResultsFile[] = Array.from({ length: hosts }, (_, h) =>
    resultsOf(
      h === 0 ? 'metal' : `vm-${String(h).padStart(2, '0')}`,
      fingerprintOf({ hostname: `host-${h}`, platform: h === 0 ? 'metal' : 'vm', hypervisor: h === 0 ? null : 'kvm' }),
      specsFor(h === 0 ? 0 : 0.05 + (h % 7) / 50),
    ),
  );
  const base = files[0] as ResultsFile;
  const comparisons = files.slice(1).map((f) => {
    const rows = f.workloads.map((w, i) => {
      const p = (rng.float() - 0.2) * 20;
      return rowOf(w.id, w.category, estimate(p, p - 1 - rng.float() * 3, p + 1 + rng.float() * 3), 1, 1 + rng.float() * 0.5 + i / 100);
    });
    return comparisonOf(base, f, rows, estimate(4, 3, 5));
  });
  return { files, comparisons };
}

export async function run(): Promise<void> {
  const { files, comparisons } = syntheticFleet();
  const t0 = performance.now();
  const model = buildReportModel({
    files,
    comparisons,
    baseline: 'metal',
    noisePct: 1,
    generatedAt: new Date().toISOString(),
    toolVersion: 'bench',
  });
  const t1 = performance.now();
  const specs = reportSpecs(model);
  const html = renderReport(model, specs);
  const t2 = performance.now();
  const md = renderMarkdown(model);
  const t3 = performance.now();
  const mb = Buffer.byteLength(html) / 1e6;
  const total = (t2 - t0) / 1000;
  console.log(
    `report over ${HOSTS} hosts x ${WORKLOADS} workloads x ${ROUNDS} rounds (${model.forest.length} intervals, ${model.rounds.length} round points)`,
  );
  console.log(
    `  model ${(t1 - t0).toFixed(0)} ms, specs + HTML ${(t2 - t1).toFixed(0)} ms, total ${total.toFixed(2)} s (target < 3 s) ${total < 3 ? 'ok' : 'OVER'}`,
  );
  console.log(
    `  HTML ${mb.toFixed(2)} MB (target < 3 MB) ${mb < 3 ? 'ok' : 'OVER'}; Markdown ${(Buffer.byteLength(md) / 1e3).toFixed(0)} kB in ${(t3 - t2).toFixed(0)} ms`,
  );
  await commandTime(files);
  await browserTime(html, specs.length);
}

/** CPU seconds (user + system) of this process's finished children, from /proc/self/stat (clock ticks of 1/100 s). */
function childCpuSeconds(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100; // cutime, cstime
  } catch {
    return null;
  }
}

/**
 * The command a user types, end to end: `virtax report` over the fleet's files (read, validated, each host
 * compared once with 10,000 resamples across worker threads, model, HTML), from bin/virtax.js (built by
 * `npm run bench`). Wall time and the CPU time of the command: on a shared machine the wall time includes
 * waiting for the CPUs, the CPU time does not.
 */
async function commandTime(files: ResultsFile[]): Promise<void> {
  const bin = resolve('bin/virtax.js');
  if (!existsSync(resolve('dist/cli/main.js'))) {
    console.log('  virtax report: skipped (dist/ missing: npm run build)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'virtax-report-bench-'));
  try {
    const paths = files.map((f, i) => {
      const p = join(dir, `host-${String(i).padStart(2, '0')}.json`);
      writeFileSync(p, JSON.stringify(f));
      return p;
    });
    for (const extra of [[], ['--profile', 'examples/profiles/database.json']]) {
      // The least of a few runs: on a shared machine other work only ever adds time.
      const walls: number[] = [];
      const cpus: number[] = [];
      for (let i = 0; i < COMMAND_RUNS; i++) {
        const cpu0 = childCpuSeconds();
        const t = performance.now();
        const r = spawnSync(process.execPath, [bin, 'report', ...paths, '--out', join(dir, 'report.html'), ...extra], { encoding: 'utf8' });
        walls.push((performance.now() - t) / 1000);
        const cpu1 = childCpuSeconds();
        if (r.status !== 0) throw new Error(`virtax report failed (exit ${r.status}): ${r.stderr}`);
        if (cpu0 !== null && cpu1 !== null) cpus.push(cpu1 - cpu0);
      }
      const wall = Math.min(...walls);
      const cpu = cpus.length ? `, ${Math.min(...cpus).toFixed(1)} s CPU` : '';
      console.log(
        `  virtax report ${HOSTS} files${extra.length ? ' --profile database' : ''}: ${wall.toFixed(2)} s wall (least of ${COMMAND_RUNS}: ${walls.map((w) => w.toFixed(2)).join(', ')})${cpu} on ${availableParallelism()} CPUs (target < 3 s wall) ${wall < 3 ? 'ok' : 'OVER'}`,
      );
    }
    await pipelinePhases(paths);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Where the command's time goes, phase by phase, in this process with the built modules (dist/, as the
 * command runs them): loading the modules `virtax report` needs, reading and validating the files, the
 * comparisons across worker threads (with the model), chart specs and HTML, Markdown.
 */
async function pipelinePhases(paths: string[]): Promise<void> {
  const dist = (p: string) => pathToFileURL(resolve('dist', p)).href;
  const lap = (() => {
    let t = performance.now();
    return () => {
      const now = performance.now();
      const ms = now - t;
      t = now;
      return `${ms.toFixed(0)} ms`;
    };
  })();
  const modules = await Promise.all([
    import(dist('analysis/hostset.js')) as Promise<typeof import('../src/analysis/hostset.js')>,
    import(dist('analysis/workers.js')) as Promise<typeof import('../src/analysis/workers.js')>,
    import(dist('report/specs.js')) as Promise<typeof import('../src/report/specs.js')>,
    import(dist('report/html.js')) as Promise<typeof import('../src/report/html.js')>,
    import(dist('report/markdown.js')) as Promise<typeof import('../src/report/markdown.js')>,
  ]);
  const [hostset, workers, specsMod, html, markdown] = modules;
  const phases: string[] = [`modules ${lap()}`];
  const set = hostset.loadHostSet(paths, { noisePct: 1 });
  phases.push(`read + validate ${lap()}`);
  const a = await workers.analyseInWorkers(set, { now: new Date(0) });
  phases.push(`compare ${HOSTS - 1} hosts (${workers.workerCount(HOSTS - 1)} workers) + model ${lap()}`);
  const specs = specsMod.reportSpecs(a.model);
  html.renderReport(a.model, specs);
  phases.push(`specs + HTML ${lap()}`);
  markdown.renderMarkdown(a.model);
  phases.push(`Markdown ${lap()}`);
  console.log(`  phases (in process, dist/): ${phases.join(', ')}`);
}

/** Time from navigation until every chart has drawn, in headless chromium (skipped without it). */
async function browserTime(html: string, charts: number): Promise<void> {
  if (!existsSync('/usr/bin/chromium')) {
    console.log('  browser: skipped (/usr/bin/chromium missing)');
    return;
  }
  mkdirSync('test-output', { recursive: true });
  const path = resolve('test-output/report-bench.html');
  writeFileSync(path, html);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage();
    await page.route('**/*', (r) => (r.request().url().startsWith('file:') ? r.continue() : r.abort()));
    const t = performance.now();
    await page.goto(pathToFileURL(path).href);
    await page.waitForFunction(`document.querySelectorAll('.chart[data-rendered="true"]').length === ${charts}`, undefined, {
      timeout: 120_000,
    });
    console.log(
      `  browser: all ${charts} charts drawn ${((performance.now() - t) / 1000).toFixed(2)} s after navigation (headless chromium)`,
    );
  } finally {
    await browser.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
