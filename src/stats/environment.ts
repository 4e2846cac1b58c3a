/**
 * What a comparison says about its two sides beyond the numbers: the fingerprint fields that differ (the
 * environment guard), the files' own warnings (other CPU models, schemas, unfinished runs, the same run twice) and
 * what the intervals cover (scope: these two runs, or the platforms).
 */
import type { ComparisonWarning, Fingerprint, ResultsFile } from '../types.js';
import { networkText, storageText } from '../format/devices.js';
import { ONE_RUN_PER_SIDE } from '../format/warnings.js';
import { cpuModelWarning } from '../results/host.js';
import type { ComparisonScope, EnvDiff } from './types.js';

const ENV_FIELDS: [string, (f: Fingerprint) => unknown][] = [
  ['cpu.model', (f) => f.cpu.model],
  ['platform', (f) => f.platform],
  ['hypervisor', (f) => f.hypervisor],
  ['container', (f) => f.container],
  ['cloud', (f) => f.cloud],
  ['cpu.cores', (f) => f.cpu.cores],
  ['cpu.threads', (f) => f.cpu.threads],
  [
    'cpu.flags',
    (f) =>
      Object.entries(f.cpu.flags)
        .filter(([, v]) => v)
        .map(([k]) => k)
        .join(' ') || 'none',
  ],
  ['clocksource', (f) => f.clocksource],
  ['kernel', (f) => f.kernel],
  ['os', (f) => f.os],
  ['memoryBytes', (f) => f.memoryBytes],
  ['numaNodes', (f) => f.numaNodes],
  // The devices the storage and network workloads used (recorded since the devices field exists: a file without
  // them states no difference).
  ['storage.device', (f) => storageText(recorded(f.devices?.storage))],
  ['storage.scheduler', (f) => recorded(f.devices?.storage).scheduler],
  ['network.interface', (f) => networkText(recorded(f.devices?.network))],
];

/** A device the run recorded, or a throw that envDiffs reads as "not recorded on this side": no difference to state. */
function recorded<T>(d: T | null | undefined): T {
  if (d === null || d === undefined) throw new Error('not recorded');
  return d;
}

/** Fingerprint fields that differ between the two hosts. */
export function envDiffs(base: Fingerprint, cand: Fingerprint): EnvDiff[] {
  const out: EnvDiff[] = [];
  for (const [field, get] of ENV_FIELDS) {
    let bv: unknown;
    let cv: unknown;
    try {
      bv = get(base);
      cv = get(cand);
    } catch {
      continue; // a field missing from a hand-made fingerprint is not a difference we can state
    }
    const bs = bv === null || bv === undefined ? '(none)' : String(bv);
    const cs = cv === null || cv === undefined ? '(none)' : String(cv);
    // Usable memory moves by a few MiB between boots of the same machine: only a 1% difference is one.
    if (field === 'memoryBytes' && typeof bv === 'number' && typeof cv === 'number' && Math.abs(bv - cv) <= 0.01 * Math.max(bv, cv))
      continue;
    if (bs !== cs) out.push({ field, base: bs, cand: cs });
  }
  return out;
}

/** The files' own warnings: other CPU models, schemas, unfinished runs, the same run twice, suites and versions. */
export function fileWarnings(baseRuns: readonly ResultsFile[], candRuns: readonly ResultsFile[], diffs: EnvDiff[]): ComparisonWarning[] {
  const w: ComparisonWarning[] = [];
  const base = baseRuns[0] as ResultsFile;
  const cand = candRuns[0] as ResultsFile;
  // A nested guest (UML, gVisor) hides the hardware's model: say so instead of "two machines".
  const model = diffs.some((d) => d.field === 'cpu.model') ? cpuModelWarning(base.host, cand.host) : null;
  if (model) w.push(model);
  const all = [...baseRuns, ...candRuns];
  const schemas = new Set(all.map((f) => String(f.schema)));
  if (schemas.size > 1) w.push({ code: 'schemas-differ', schemas: [...schemas] });
  const baseIds = new Set(baseRuns.map((f) => f.id));
  if (candRuns.some((f) => baseIds.has(f.id))) w.push({ code: 'same-run' });
  for (const [side, runs] of [
    ['base', baseRuns],
    ['candidate', candRuns],
  ] as const) {
    runs.forEach((f, i) => {
      if (f.finishedAt === null) w.push({ code: 'partial-run', side, run: runs.length > 1 ? i + 1 : null });
    });
    if (new Set(runs.map((f) => f.id)).size < runs.length) w.push({ code: 'run-given-twice', side });
    const first = runs[0] as ResultsFile;
    for (const f of runs.slice(1)) {
      const inner = envDiffs(first.host, f.host).filter((d) => d.field === 'cpu.model' || d.field === 'hypervisor');
      if (inner.length) w.push({ code: 'mixed-host-class', side, diffs: inner });
    }
  }
  const versions = new Set(all.map((f) => f.tool?.version));
  if (versions.size > 1) w.push({ code: 'versions-differ', versions: [...versions].map(String) });
  const suite = (f: ResultsFile) => ({ suite: String(f.config?.suite), rounds: Number(f.config?.rounds) });
  if (base.config?.suite !== cand.config?.suite) w.push({ code: 'suites-differ', base: suite(base), cand: suite(cand) });
  else if (base.config?.rounds !== cand.config?.rounds)
    w.push({
      code: 'round-counts-differ',
      suite: String(base.config?.suite),
      baseRounds: Number(base.config?.rounds),
      candRounds: Number(cand.config?.rounds),
    });
  return w;
}

/** What the intervals cover, as a field and one sentence every reader prints. */
export function scopeOf(baseRuns: number, candRuns: number): ComparisonScope {
  if (baseRuns === 1 && candRuns === 1) {
    return {
      baseRuns,
      candRuns,
      covers: 'these-runs',
      statement: ONE_RUN_PER_SIDE,
    };
  }
  return {
    baseRuns,
    candRuns,
    covers: 'platforms',
    statement: `${baseRuns} vs ${candRuns} runs: the intervals include run-to-run variation${baseRuns === 1 || candRuns === 1 ? " (the side with one run borrows the other side's run-to-run spread)" : ''}`,
  };
}
