/**
 * advise --app checked against reality in a real gVisor sandbox (runsc, ptrace platform): record two
 * applications of known mix on the host, measure the pricing workloads on the host and inside gVisor,
 * predict, then time the applications in both places. Directions of large effects only: gVisor traps
 * every syscall, so the syscall-heavy application must be predicted and measured much slower there, and
 * its prediction must be dominated by syscalls; the CPU-bound one must be predicted far less slowed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const repo = new URL('../..', import.meta.url).pathname;
const GVISOR = ['runsc', '--network=none', '--platform=ptrace', 'do', '-force-overlay=false'];
const why = (() => {
  if (spawnSync('runsc', ['--version']).error) return 'runsc (gVisor) is not installed';
  if (spawnSync('strace', ['-V']).error) return 'strace is not installed';
  const r = spawnSync(GVISOR[0] as string, [...GVISOR.slice(1), 'true'], { timeout: 60_000 });
  return r.status === 0 ? null : `runsc cannot start a sandbox here: ${String(r.stderr).trim().split('\n').pop()}`;
})();
const dir = mkdtempSync(join(tmpdir(), 'virtax-reality-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function virtaxRun(prefix: string[], label: string): string {
  const out = join(dir, `${label}.json`);
  const argv = [
    ...prefix,
    process.execPath,
    '--import',
    'tsx',
    'src/cli/run-cli.ts',
    'run',
    '--only',
    'cpu.int,sys.stat,sys.read',
    '--rounds',
    '2',
    '--label',
    label,
    '--out',
    out,
    '--no-progress',
  ];
  const r = spawnSync(argv[0] as string, argv.slice(1), { cwd: repo, encoding: 'utf8', timeout: 240_000 });
  if (r.status !== 0) throw new Error(`${label} run failed: ${r.stderr}`);
  return out;
}

function wallSeconds(prefix: string[], app: string[]): number {
  const argv = [...prefix, process.execPath, 'examples/apps/time-app.mjs', process.execPath, ...app];
  const r = spawnSync(argv[0] as string, argv.slice(1), {
    cwd: repo,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, REPS: '3' },
  });
  if (r.status !== 0) throw new Error(`timing failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { median: number }).median;
}

describe.skipIf(why !== null)(`advise --app against a real gVisor sandbox${why ? ` (skipped: ${why})` : ''}`, () => {
  it('predicts and measures the syscall-heavy application much slower in gVisor, and says syscalls are why', async () => {
    const sysApp = ['examples/apps/syscall-heavy.mjs', '60000'];
    const cpuApp = ['examples/apps/cpu-bound.mjs', '30000000'];
    const sysProfile = join(dir, 'sys.json');
    const cpuProfile = join(dir, 'cpu.json');
    expect(
      (
        await runCli([
          'record',
          '--syscalls',
          '--out',
          sysProfile,
          '--',
          process.execPath,
          ...sysApp.map((a) => (a.endsWith('.mjs') ? join(repo, a) : a)),
        ])
      ).code,
    ).toBe(0);
    expect(
      (
        await runCli([
          'record',
          '--syscalls',
          '--out',
          cpuProfile,
          '--',
          process.execPath,
          ...cpuApp.map((a) => (a.endsWith('.mjs') ? join(repo, a) : a)),
        ])
      ).code,
    ).toBe(0);
    const host = virtaxRun([], 'host');
    const gvisor = virtaxRun(GVISOR, 'gvisor');
    const predict = async (profile: string) => {
      const r = await runCli(['advise', host, gvisor, '--app', profile, '--json']);
      expect(r.code, r.err).toBe(0);
      return JSON.parse(r.out).hosts[0] as {
        slowdownPct: { point: number };
        contributions: { operationClass: string; addedPct: { point: number } }[];
      };
    };
    const sys = await predict(sysProfile);
    const cpu = await predict(cpuProfile);
    // Shares from the contributions' points: the printed shares are withheld when the prediction's interval reaches 0,
    // which three rounds per side on a busy host can make happen; the points still say what carries the prediction.
    const total = sys.contributions.reduce((s, c) => s + c.addedPct.point, 0);
    const syscallShare =
      (100 *
        sys.contributions
          .filter((c) => !['cpu', 'page-fault', 'spawn', 'context-switch'].includes(c.operationClass))
          .reduce((s, c) => s + c.addedPct.point, 0)) /
      total;
    expect(sys.slowdownPct.point).toBeGreaterThan(100);
    expect(syscallShare).toBeGreaterThan(50);
    expect(sys.slowdownPct.point).toBeGreaterThan(cpu.slowdownPct.point + 50);
    // The real thing: the same application, timed on the host and inside gVisor.
    const actual = wallSeconds(GVISOR, sysApp) / wallSeconds([], sysApp);
    expect(actual).toBeGreaterThan(1.5);
    expect(JSON.parse(readFileSync(sysProfile, 'utf8')).method.syscalls).toBe('strace');
  }, 600_000);
});
