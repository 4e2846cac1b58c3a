import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { saveResults } from '../../src/results/io.js';
import { fingerprintOf, resultsOf, WORKLOADS, type WorkloadSpec } from '../helpers/report-fixtures.js';
import { runCli as run } from '../helpers/cli.js';

/** The same workloads, `pct` percent slower (in each workload's own direction). */
function slower(pct: number): WorkloadSpec[] {
  return WORKLOADS.map((w) => ({
    ...w,
    figures: w.figures.map((f) => (w.better === 'lower' ? f * (1 + pct / 100) : f / (1 + pct / 100))),
  }));
}

const dir = mkdtempSync(join(tmpdir(), 'virtax-report-'));
const paths = { metal: join(dir, 'metal.json'), vm: join(dir, 'vm.json'), ctr: join(dir, 'ctr.json') };

beforeAll(() => {
  saveResults(paths.metal, resultsOf('metal', fingerprintOf({ hostname: 'm1' }), WORKLOADS));
  saveResults(paths.vm, resultsOf('kvm-vm', fingerprintOf({ hostname: 'v1', platform: 'vm', hypervisor: 'kvm' }), slower(10)));
  saveResults(paths.ctr, resultsOf('docker', fingerprintOf({ hostname: 'c1', platform: 'container', container: 'docker' }), slower(0.1)));
});

afterEach(() => vi.restoreAllMocks());

describe('virtax report', () => {
  it('writes the HTML, Markdown and one PNG per chart, and prints the headline', async () => {
    const out = join(dir, 'r.html');
    const r = await run([
      'report',
      paths.metal,
      paths.vm,
      paths.ctr,
      '--out',
      out,
      '--markdown',
      join(dir, 'r.md'),
      '--png',
      join(dir, 'png'),
      '--resamples',
      '200',
      '--profile',
      'examples/profiles/api-gateway.json',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^kvm-vm vs metal: \+10\.0% \[\+\d+\.\d%, \+\d+\.\d%\] slower/m);
    expect(r.out).toMatch(/advice \(api-gateway\): /);
    // coverage beside every overall figure, and the capacity line of the profile in the headline
    expect(r.out).toMatch(/^kvm-vm vs metal: .* \(5 of 5 workloads, 5 of 5 categories\)/m);
    expect(r.out).toMatch(/^ {2}api-gateway: needs \d+ hosts \(\+\d+; \d+-\d+\) for the work of 40 metal hosts, [\d,]+ USD\/month/m);
    const html = readFileSync(out, 'utf8');
    expect(html.includes('Baseline: <b>metal</b>')).toBe(true);
    expect(html.includes('<h2 id="advice">Placement advice</h2>')).toBe(true);
    expect(readFileSync(join(dir, 'r.md'), 'utf8')).toMatch(/\| kvm\\-vm \| \+10\.0% /);
    expect(readFileSync(join(dir, 'r.md'), 'utf8')).toMatch(
      /\| kvm\\-vm \| \+10\.0% \[.*\] \| slower \| 5 of 5 workloads, 5 of 5 categories \|/,
    );
    expect(readFileSync(join(dir, 'r.md'), 'utf8')).toMatch(/^- \*\*kvm\\-vm\*\*: api\\?-gateway: needs \d+ hosts/m);
    const pngs = readdirSync(join(dir, 'png')).sort();
    expect(pngs).toEqual(['distributions.png', 'forest.png', 'noise.png', 'overall.png']);
    for (const p of pngs)
      expect(
        readFileSync(join(dir, 'png', p))
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');
  });

  it('compares against --baseline, and the same files and seed give the same numbers', async () => {
    const a = await run([
      'report',
      paths.metal,
      paths.vm,
      '--out',
      join(dir, 'a.html'),
      '--markdown',
      join(dir, 'a.md'),
      '--baseline',
      'kvm-vm',
      '--resamples',
      '200',
      '--seed',
      '7',
    ]);
    const b = await run([
      'report',
      paths.metal,
      paths.vm,
      '--out',
      join(dir, 'b.html'),
      '--markdown',
      join(dir, 'b.md'),
      '--baseline',
      'kvm-vm',
      '--resamples',
      '200',
      '--seed',
      '7',
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.out).toMatch(/^metal vs kvm-vm: -9\.1%/m);
    expect(readFileSync(join(dir, 'a.md'), 'utf8')).toBe(readFileSync(join(dir, 'b.md'), 'utf8'));
  });

  it('refuses bad input with one line and exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['report', paths.metal, paths.vm, '--out', join(dir, 'x.html'), '--baseline', 'nope'],
        /--baseline nope: no results file has that label/,
      ],
      [['report', paths.metal, paths.vm, '--out', join(dir, 'x.html'), '--noise', 'lots'], /--noise: expected a percentage/],
      [['report', paths.metal, join(dir, 'missing.json'), '--out', join(dir, 'x.html')], /missing\.json: cannot read \(no such file\)/],
      [['report', paths.metal, paths.vm, '--out', join(dir, 'x.html'), '--resamples', '5'], /resamples must be a whole number from 100/],
      [['report', paths.metal, paths.vm], /Missing required argument: out/],
      [['advise', paths.metal, paths.vm, '--profile', paths.vm], /invalid profile/],
    ];
    for (const [argv, re] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toMatch(re);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
    expect(existsSync(join(dir, 'x.html'))).toBe(false);
  });
});

describe('virtax advise', () => {
  it('prints one recommendation, and JSON with hosts needed for the fleet', async () => {
    // batch-job as shipped resembles cpu.int, cpu.float and mem.bandwidth; these files measured only cpu.int.
    const cpuOnly = join(dir, 'batch-cpu.json');
    writeFileSync(
      cpuOnly,
      JSON.stringify({
        ...JSON.parse(readFileSync('examples/profiles/batch-job.json', 'utf8')),
        $schema: undefined,
        resembles: ['cpu.int'],
      }),
    );
    const text = await run(['advise', paths.metal, paths.vm, paths.ctr, '--profile', cpuOnly, '--resamples', '200']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^Recommendation: /m);
    const json = await run(['advise', paths.metal, paths.vm, paths.ctr, '--profile', cpuOnly, '--resamples', '200', '--json']);
    const a = JSON.parse(json.out) as {
      hosts: { label: string; overheadPct: { point: number }; hostsNeeded: { point: number } }[];
      recommendation: { label: string };
    };
    const vm = a.hosts.find((h) => h.label === 'kvm-vm')!;
    // 10% slower -> 440 hosts for 400
    expect(vm.overheadPct.point).toBeCloseTo(10, 6);
    expect(vm.hostsNeeded.point).toBe(440);
    // costs keyed by platform (metal, vm, container) price these labels: docker is 0.1% slower:
    // 401 hosts x 0.58 = 232.58 beats kvm-vm 440 x 0.61 = 268.4 and metal 400 x 0.92 = 368
    expect(a.recommendation.label).toBe('docker');
    expect(text.out).toMatch(/401 hosts x 0\.58 USD\/hour = 232\.58 USD\/hour/);
  });

  it('says what it did not measure, and gives no fleet size when most of the profile is unmeasured', async () => {
    const text = await run([
      'advise',
      paths.metal,
      paths.vm,
      paths.ctr,
      '--profile',
      'examples/profiles/batch-job.json',
      '--resamples',
      '200',
    ]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(
      /measured {5}1 of 3 resembled workloads, 1 workload; NOT measured: cpu\.float \(weight 1\), mem\.bandwidth \(1\)/,
    );
    expect(text.out).toMatch(/hosts {8}not estimated: too much of the profile was not measured/);
    expect(text.out).toMatch(/kvm-vm is ruled out: 67% of the profile's weight was not measured/);
    const db = await run(['advise', paths.metal, paths.vm, '--profile', 'examples/profiles/database.json', '--resamples', '200']);
    // database weighs memory 4, storage 3, network 2, syscall 1, cpu 1: storage (3 of 11) is missing here.
    expect(db.out).toMatch(/caveat: built without storage \(weight 3\): 27% of the profile's weight is not measured/);
    expect(db.out).toMatch(/hosts {8}\d+ \([+-]\d+; \d+-\d+\) \(without storage\)/);
  });
});
