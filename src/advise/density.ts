/**
 * Fleet sizing by memory (docs/advise.md "Instances per host"): how many idle instances of each platform fit on a
 * host of a given memory, and how many hosts a number of instances needs, from `virtax lifecycle` files
 * (docs/lifecycle.md). Pure: no clock, no file system.
 *
 * A host of H MiB holds floor((H - fixed) / (perInstance + app)) instances, where fixed and perInstance are the
 * platform's fitted memory (life.memory: PSS of every host process of the instances, fixed + k x per-instance
 * over 1, 4 and 16 idle instances) and app is the application's own memory per instance (instanceMemoryMiB; 0:
 * idle instances). The interval takes both coefficients at their upper bounds (fewest instances), then at their
 * lower bounds (most): conservative, as `advise --app` is. Hosts needed = ceil(instances / per host).
 */
import { InputError } from '../errors.js';
import { isLifecycleFile, lifecyclePlatformOf, memoryFitOf, lifecycleFigure, type FitCoefficientJson } from '../results/lifecycle.js';
import type { ResultsFile } from '../types.js';

/** What the fleet must hold: a number of instances on hosts of one memory size. */
export interface DensityNeeds {
  instances: number;
  hostMemoryGiB: number;
  /** The application's own memory per instance, MiB (0: idle instances, the platform's cost alone). */
  instanceMemoryMiB: number;
}

/** A count with its range; hi null where it is unbounded (a per-instance cost whose lower bound is 0). */
export interface Count {
  point: number;
  lo: number;
  hi: number | null;
}

export interface DensityOption {
  label: string;
  platform: string;
  /** The platform's memory per instance and fixed cost (MiB) with their interval (from the fit, or the rounds). */
  perInstanceMiB: FitCoefficientJson;
  fixedMiB: FitCoefficientJson;
  /** "fit": life.memory's fixed + per-instance fit at `level`; "rounds": per-instance medians (min-max), no fixed cost. */
  source: 'fit' | 'rounds';
  level: number | null;
  /** Instances per host and hosts for the instances; null hosts where not even one instance fits at the point. */
  perHost: Count;
  hostsNeeded: Count | null;
}

export interface DensityAdvice {
  schema: 'virtax.density-advice/v1';
  needs: DensityNeeds;
  /** Options in order of preference: fewest hosts, then most instances per host. */
  options: DensityOption[];
  /** Files given that carry no memory figure, with why. */
  skipped: { label: string; reason: string }[];
  recommendation: { label: string; reasons: string[] } | null;
  notes: string[];
}

const MIB_PER_GIB = 1024;

/** Instances that fit in `hostMiB` at a fixed and per-instance cost; null when unbounded. */
function fits(hostMiB: number, fixed: number, perInstance: number, app: number): number | null {
  const each = perInstance + app;
  if (each <= 0) return null;
  return Math.max(0, Math.floor((hostMiB - Math.max(0, fixed)) / each));
}

const hostsFor = (instances: number, perHost: number | null): number | null =>
  perHost === null ? 1 : perHost > 0 ? Math.ceil(instances / perHost) : null;

function optionOf(f: ResultsFile, needs: DensityNeeds): DensityOption | string {
  const fit = memoryFitOf(f);
  const memory = lifecycleFigure(f, 'life.memory');
  if (!fit && !memory) {
    const w = f.workloads.find((x) => x.id === 'life.memory');
    return w && w.status !== 'ok' ? `life.memory ${w.status}: ${w.reason}` : 'no life.memory figure';
  }
  const perInstanceMiB: FitCoefficientJson = fit
    ? fit.perInstanceMiB
    : { point: (memory as { median: number }).median, lo: memory?.min ?? null, hi: memory?.max ?? null };
  const fixedMiB: FitCoefficientJson = fit ? fit.fixedMiB : { point: 0, lo: null, hi: null };
  const H = needs.hostMemoryGiB * MIB_PER_GIB;
  const app = needs.instanceMemoryMiB;
  const point = fits(H, fixedMiB.point, perInstanceMiB.point, app);
  const lo = fits(H, fixedMiB.hi ?? fixedMiB.point, perInstanceMiB.hi ?? perInstanceMiB.point, app);
  const hi = fits(H, fixedMiB.lo ?? fixedMiB.point, perInstanceMiB.lo ?? perInstanceMiB.point, app);
  if (point === null || lo === null) return 'a per-instance memory of 0 MiB: give the application its memory (instanceMemoryMiB)';
  const hostsPoint = hostsFor(needs.instances, point);
  return {
    label: f.label,
    platform: lifecyclePlatformOf(f),
    perInstanceMiB,
    fixedMiB,
    source: fit ? 'fit' : 'rounds',
    level: fit?.level ?? null,
    perHost: { point, lo, hi },
    hostsNeeded:
      hostsPoint === null
        ? null
        : { point: hostsPoint, lo: hostsFor(needs.instances, hi) ?? hostsPoint, hi: hostsFor(needs.instances, lo) },
  };
}

/** Checks the needs (a profile or flags): whole instances, a positive host memory, a non-negative app memory. */
export function checkDensityNeeds(n: Partial<DensityNeeds>, where: string): DensityNeeds {
  if (!(Number.isInteger(n.instances) && (n.instances as number) > 0))
    throw new InputError(`${where}: instances: expected a positive whole number of instances`);
  if (!(typeof n.hostMemoryGiB === 'number' && Number.isFinite(n.hostMemoryGiB) && n.hostMemoryGiB > 0))
    throw new InputError(`${where}: host memory: expected a positive number of GiB`);
  const app = n.instanceMemoryMiB ?? 0;
  if (!(Number.isFinite(app) && app >= 0)) throw new InputError(`${where}: instance memory: expected a number of MiB, 0 or more`);
  return { instances: n.instances as number, hostMemoryGiB: n.hostMemoryGiB, instanceMemoryMiB: app };
}

/** Sizes a fleet by memory on every lifecycle file given; throws InputError when none carries a memory figure. */
export function sizeByMemory(files: readonly ResultsFile[], needs: DensityNeeds): DensityAdvice {
  const options: DensityOption[] = [];
  const skipped: { label: string; reason: string }[] = [];
  for (const f of files) {
    if (!isLifecycleFile(f)) {
      skipped.push({ label: f.label, reason: 'not a lifecycle file (virtax lifecycle measures memory per instance)' });
      continue;
    }
    const o = optionOf(f, needs);
    if (typeof o === 'string') skipped.push({ label: f.label, reason: o });
    else options.push(o);
  }
  if (!options.length)
    throw new InputError(
      'sizing by memory needs `virtax lifecycle` files with life.memory (e.g. results/lifecycle/*.json); none of the files given has one',
    );
  const byHosts = (o: DensityOption) => o.hostsNeeded?.point ?? Number.POSITIVE_INFINITY;
  options.sort((a, b) => byHosts(a) - byHosts(b) || b.perHost.point - a.perHost.point || a.label.localeCompare(b.label));
  const notes = [
    needs.instanceMemoryMiB > 0
      ? `each instance also holds ${needs.instanceMemoryMiB} MiB of the application's own memory`
      : "idle instances: the platform's own memory only; give the application's memory per instance (--instance-memory, instanceMemoryMiB) to size a real fleet",
    "memory is PSS of every host process of an instance (docs/lifecycle.md); kernel memory (page tables, slab) and the host's own needs are not in it: keep headroom",
  ];
  if (options.some((o) => o.source === 'rounds'))
    notes.push('a file without a memory fit is sized by its per-instance medians (min-max over rounds) and no fixed cost');
  return { schema: 'virtax.density-advice/v1', needs, options, skipped, recommendation: recommend(options, needs), notes };
}

/** The option with the fewest hosts when its range of hosts is below every other's; else why none is named. */
function recommend(options: readonly DensityOption[], needs: DensityNeeds): DensityAdvice['recommendation'] {
  const sized = options.filter((o) => o.hostsNeeded);
  const best = sized[0];
  if (!best?.hostsNeeded) return null;
  const next = sized[1];
  const reasons = [
    `${countText(best.perHost)} instances per ${gib(needs.hostMemoryGiB)} host: ${hostsText(best.hostsNeeded)} for ${n(needs.instances)}`,
  ];
  if (next?.hostsNeeded) {
    const apart = best.hostsNeeded.hi !== null && best.hostsNeeded.hi < next.hostsNeeded.lo;
    reasons.push(
      apart
        ? `${next.label} needs ${hostsText(next.hostsNeeded)}`
        : `${next.label} needs ${hostsText(next.hostsNeeded)}: the two cannot be told apart by memory; choose by isolation or start time`,
    );
  }
  reasons.push('memory density is one side of the choice: what each platform isolates is the other (docs/platforms.md)');
  return { label: best.label, reasons };
}

const n = (x: number) => x.toLocaleString('en-US');
const gib = (x: number) => `${n(x)} GiB`;
const countText = (c: Count) => `${n(c.point)} [${n(c.lo)}, ${c.hi === null ? 'unbounded' : n(c.hi)}]`;
const hostsText = (c: Count) => {
  const one = c.point === 1 ? 'host' : 'hosts';
  return c.lo === c.point && c.hi === c.point
    ? `${n(c.point)} ${one}`
    : `${n(c.point)} ${one} [${n(c.lo)}, ${c.hi === null ? 'more than any' : n(c.hi)}]`;
};
const mib = (c: FitCoefficientJson, digits: number) =>
  c.lo === null || c.hi === null
    ? c.point.toFixed(digits)
    : `${c.point.toFixed(digits)} [${c.lo.toFixed(digits)}, ${c.hi.toFixed(digits)}]`;

/** How an option is named in sentences: its platform, or its label where two options measured one platform. */
function namesOf(options: readonly DensityOption[]): Map<DensityOption, string> {
  const seen = new Map<string, number>();
  for (const o of options) seen.set(o.platform, (seen.get(o.platform) ?? 0) + 1);
  return new Map(options.map((o) => [o, (seen.get(o.platform) ?? 0) > 1 ? o.label : o.platform]));
}

/** "16 GiB hosts: 33,546 idle podman instances, 1,524 podman-gvisor, 1,149 gvisor or 479 uml per host" */
export function densityHeadline(a: DensityAdvice): string {
  const idle = a.needs.instanceMemoryMiB > 0 ? '' : 'idle ';
  const name = namesOf(a.options);
  const parts = a.options.map((o, i) =>
    i === 0 ? `${n(o.perHost.point)} ${idle}${name.get(o)} instances` : `${n(o.perHost.point)} ${name.get(o)}`,
  );
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}` : parts[0];
  return `${gib(a.needs.hostMemoryGiB)} hosts: ${list} per host`;
}

export function formatDensityAdvice(a: DensityAdvice): string {
  const app = a.needs.instanceMemoryMiB > 0 ? ` of ${n(a.needs.instanceMemoryMiB)} MiB each` : ', idle';
  const lines = [`Fleet by memory: ${n(a.needs.instances)} instances${app}, on ${gib(a.needs.hostMemoryGiB)} hosts`, ''];
  for (const o of a.options) {
    const level = o.level !== null ? ` [${Math.round(o.level * 100)}%]` : ' (min-max)';
    lines.push(`${o.platform}  (${o.label})`);
    lines.push(`  memory       ${mib(o.perInstanceMiB, 2)} MiB per instance${level}, fixed ${mib(o.fixedMiB, 1)} MiB`);
    lines.push(`  per host     ${countText(o.perHost)} instances`);
    lines.push(
      `  hosts        ${o.hostsNeeded ? hostsText(o.hostsNeeded) : `none: not one instance fits in ${gib(a.needs.hostMemoryGiB)}`}`,
    );
    lines.push('');
  }
  lines.push(densityHeadline(a));
  for (const s of a.skipped) lines.push(`Skipped ${s.label}: ${s.reason}`);
  if (a.recommendation) {
    lines.push(`Recommendation (by memory): ${a.recommendation.label}`);
    for (const r of a.recommendation.reasons) lines.push(`  - ${r}`);
  }
  for (const x of a.notes) lines.push(`Note: ${x}`);
  return lines.join('\n');
}
