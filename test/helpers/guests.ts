/**
 * Real guests for end-to-end duels: User-Mode Linux, gVisor (`runsc do`) and podman containers, each started by
 * its launcher in scripts/ (the commands users type). The agents inside run the built CLI (bin/virtax.js ->
 * dist/): Node with the tsx loader starts in about 40 s inside UML, where every system call traps.
 * The tests skip, saying why, only where a guest cannot be started (its tool missing, not root).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Comparison, RowComparison } from '../../src/stats/types.js';
import { containerSupport, cpuGroup } from './container.js';

export const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/virtax.js');
/** The host side of every guest duel: the built agent, plainly. */
export const HOST_AGENT = `${process.execPath} ${BIN} agent`;

export type Guest = 'uml' | 'gvisor' | 'podman';
export const LAUNCHER: Record<Guest, string> = {
  uml: join(ROOT, 'scripts/uml-agent.sh'),
  gvisor: join(ROOT, 'scripts/gvisor-agent.sh'),
  podman: join(ROOT, 'scripts/podman-agent.sh'),
};

function onPath(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

/** Why this guest cannot be started here, or null when it can. */
export function guestSupport(guest: Guest): string | null {
  if (process.platform !== 'linux') return 'guests need Linux';
  const tools = { uml: ['linux'], gvisor: ['runsc'], podman: ['podman', 'runc'] }[guest];
  const missing = tools.filter((t) => !onPath(t));
  if (missing.length > 0) return `${missing.join(' and ')} not installed (.ci/run installs them)`;
  if (guest !== 'uml' && process.getuid?.() !== 0) return `${guest} needs root`;
  return null;
}

/** The agents in guests run dist/: refuse to test an older build than the sources. */
export function assertBuilt(): void {
  const main = join(ROOT, 'dist/cli/main.js');
  if (!existsSync(main)) throw new Error('dist/ is not built: run `npm run build` (npm ci does)');
  const built = statSync(main).mtimeMs;
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    );
  const newer = walk(join(ROOT, 'src')).filter((f) => statSync(f).mtimeMs > built);
  if (newer.length > 0) throw new Error(`dist/ is older than ${newer[0]}: run \`npm run build\``);
}

/** Run a command in a guest through its launcher; stdout, stderr and the exit status. */
export function inGuest(guest: Guest, args: string[], timeoutMs = 180_000): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(LAUNCHER[guest], args, { encoding: 'utf8', timeout: timeoutMs, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * `virtax duel` from the built CLI, in a high-share cpu cgroup where one can be made (both agents and every
 * guest process inherit it; see cpuGroup), so other load on a shared CI machine does not decide the figures.
 */
export function duel(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const group = containerSupport() === null ? cpuGroup() : null;
  return new Promise((done) => {
    const p = spawn(process.execPath, [BIN, 'duel', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    group?.join(p.pid as number);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => {
      group?.remove();
      done({ code, stdout, stderr });
    });
  });
}

/** The paired comparison's rows by workload id. */
export function rowsByWorkload(outDir: string): Map<string, RowComparison> {
  const c = JSON.parse(readFileSync(join(outDir, 'comparison.json'), 'utf8')) as Comparison;
  return new Map(c.rows.map((r) => [r.id, r]));
}

/** The workloads every guest duel measures unless told otherwise. */
export const GUEST_DUEL_WORKLOADS = ['cpu.int', 'sys.stat', 'sys.clock', 'mem.pagefault'];

export interface GuestDuel {
  /** Side b: a launcher (LAUNCHER[guest], with its options). */
  b: string;
  /** Side b's label; also names the temporary directory. */
  label: string;
  only?: string[];
  rounds?: number;
  roundSeconds?: number;
}

/**
 * The guest duels' one setup: `virtax duel` of the host's agent (side a, label host) against `o.b` into a fresh
 * temporary directory, seed 11, --noise 15% (so "not slower" means not slower beyond 15%), 180 s agent timeout;
 * prints the table. The caller asserts the exit code before reading rows with `duelRows(out)`.
 */
export async function duelHostAgainst(o: GuestDuel): Promise<{ code: number | null; stdout: string; stderr: string; out: string }> {
  const out = join(mkdtempSync(join(tmpdir(), `virtax-duel-${o.label}-`)), 'duel');
  const r = await duel([
    '--a',
    HOST_AGENT,
    '--b',
    o.b,
    '--label-a',
    'host',
    '--label-b',
    o.label,
    '--only',
    ...(o.only ?? GUEST_DUEL_WORKLOADS),
    '--rounds',
    String(o.rounds ?? 6),
    '--round-seconds',
    String(o.roundSeconds ?? 0.3),
    '--seed',
    '11',
    '--noise',
    '15%',
    '--timeout',
    '180',
    '--out',
    out,
  ]);
  console.log(r.stdout);
  return { ...r, out };
}

/** A duel's rows by workload id, and each row's verdict (or `not compared: <reason>`). */
export function duelRows(outDir: string): { rows: Map<string, RowComparison>; verdict: (id: string) => string } {
  const rows = rowsByWorkload(outDir);
  const verdict = (id: string) => {
    const row = rows.get(id);
    return row?.status === 'compared' ? row.verdict : `not compared: ${row?.reason ?? 'missing'}`;
  };
  return { rows, verdict };
}

/** The layers outer-platform.sh computes here (what the launchers pass as VIRTAX_OUTER_PLATFORM). */
export function outerLayers(): string {
  return spawnSync(join(ROOT, 'scripts/outer-platform.sh'), { encoding: 'utf8' }).stdout;
}

/**
 * One start of the guest that reports both what its launcher told it (VIRTAX_OUTER_PLATFORM) and what
 * `virtax fingerprint --json` says inside: a boot of UML costs tens of seconds on a busy 2-core machine.
 */
export function guestSelfReport(guest: Guest): {
  outer: string;
  fingerprint: { platform: string; hypervisor: string | null; container: string | null };
} {
  const r = inGuest(guest, ['--', 'sh', '-c', `echo "$VIRTAX_OUTER_PLATFORM"; exec node ${BIN} fingerprint --json`]);
  if (r.status !== 0) throw new Error(`${guest}: exit ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' / ')}`);
  const nl = r.stdout.indexOf('\n');
  return { outer: r.stdout.slice(0, nl), fingerprint: JSON.parse(r.stdout.slice(nl + 1)) as never };
}

/** guestSelfReport, started once, on the first call (the tests that read it share one boot). */
export function selfReportOnce(guest: Guest): () => ReturnType<typeof guestSelfReport> {
  let report: ReturnType<typeof guestSelfReport> | undefined;
  return () => (report ??= guestSelfReport(guest));
}

/**
 * A large slowdown, by direction: called `slower`, or withheld only because a contended round pair was
 * dropped and too few pairs remained for the signed-rank test (`inconclusive`) while the whole interval
 * still lies above `minPct`. Never a timing: the interval is the comparison's own.
 */
export function clearlySlower(row: RowComparison | undefined, minPct = 50): boolean {
  if (row?.status !== 'compared') return false;
  return row.verdict === 'slower' || (row.verdict === 'inconclusive' && row.overheadPct.lo > minPct);
}
