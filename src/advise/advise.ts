/**
 * Placement advice (docs/report.md, advise): from comparisons made with a profile's weights
 * (see compareOptionsFor), rank the measured hosts by what running the application there costs.
 * Pure: no clock, no file system. Overheads and intervals come from the comparisons, never recomputed.
 *
 * Capacity: a host with overhead o% does 1/(1 + o/100) of a baseline host's work, so a fleet of N
 * baseline hosts becomes ceil(N * (1 + o/100)) hosts ("5.2% overhead on 400 hosts = 21 more hosts").
 */
import { contentionWarning } from '../stats/contention.js';
import { warningText } from '../format/warnings.js';
import { loopbackNote } from '../results/loopback.js';
import { signedCount, signedPct } from '../format/text.js';
import type { Comparison, Estimate, RowComparison } from '../stats/types.js';
import type { Category, Fingerprint, ResultsFile } from '../types.js';
import { idMatches } from '../results/ids.js';
import type { Advice, Coverage, HostAdvice, HostCount, Profile, SecurityFacts } from './types.js';

/** Above this share of unmeasured profile weight, no fleet size is given for a host. */
export const MAX_MISSING_WEIGHT_PCT = 50;

/**
 * The cost of one host of `f`: exact label, then a `*` pattern on the label (longest first), then the
 * platform, then the hypervisor or container runtime. Null when no key matches.
 */
export function costFor(
  costs: Record<string, number> | undefined,
  f: Pick<ResultsFile, 'label' | 'host'>,
): { cost: number; key: string } | null {
  if (!costs) return null;
  const hit = (key: string | null | undefined) => (key && costs[key] !== undefined ? { cost: costs[key] as number, key } : null);
  const globs = Object.keys(costs)
    .filter((k) => k.includes('*') && idMatches(f.label, k))
    .sort((a, b) => b.length - a.length);
  return hit(f.label) ?? hit(globs[0]) ?? hit(f.host.platform) ?? hit(f.host.hypervisor) ?? hit(f.host.container);
}

/** Which weighted categories (or resembled ids) the compared rows cover, and the unmeasured share of weight. */
export function coverageOf(ids: { id: string; category: Category }[], profile: Profile): Coverage {
  const wanted: { name: string; weight: number; hit: boolean }[] = profile.weights
    ? Object.entries(profile.weights)
        .filter(([, w]) => (w ?? 0) > 0)
        .map(([cat, w]) => ({
          name: cat,
          weight: w ?? 0,
          hit: ids.some((r) => r.category === cat && (!profile.resembles || profile.resembles.some((p) => idMatches(r.id, p)))),
        }))
    : (profile.resembles ?? []).map((p) => ({ name: p, weight: 1, hit: ids.some((r) => idMatches(r.id, p)) }));
  const total = wanted.reduce((a, w) => a + w.weight, 0);
  const missing = wanted.filter((w) => !w.hit).sort((a, b) => b.weight - a.weight || a.name.localeCompare(b.name));
  const missingWeight = missing.reduce((a, w) => a + w.weight, 0);
  return {
    measured: wanted.filter((w) => w.hit).map((w) => w.name),
    missing: missing.map(({ name, weight }) => ({ name, weight })),
    missingWeightPct: total > 0 ? (100 * missingWeight) / total : 0,
    workloads: ids.length,
  };
}

/** "memory (weight 4), storage (3)" */
export function missingText(c: Coverage): string {
  return c.missing.map((m, i) => (i === 0 ? `${m.name} (weight ${m.weight})` : `${m.name} (${m.weight})`)).join(', ');
}

type Compared = Extract<RowComparison, { status: 'compared' }>;

/** Hosts needed for the throughput of `fleet` baseline hosts at `overheadPct`. */
export function hostsFor(fleet: number, overheadPct: number): number {
  // Round away float noise (400 * 1.05 = 420.00000000000006) before taking the ceiling.
  return Math.max(1, Math.ceil(Number((fleet * (1 + overheadPct / 100)).toFixed(9))));
}

function countFor(fleet: number, e: Estimate): HostCount {
  return { point: hostsFor(fleet, e.point), lo: hostsFor(fleet, e.lo), hi: hostsFor(fleet, e.hi) };
}

/** Weight of a compared row under the profile: its category's weight shared among the category's rows. */
function rowWeights(rows: Compared[], profile: Profile): Map<Compared, number> {
  const included = rows.filter((r) => {
    if (profile.resembles && !profile.resembles.includes(r.id)) return false;
    if (profile.weights) return (profile.weights[r.category] ?? 0) > 0;
    return true;
  });
  const perCat = new Map<Category, number>();
  for (const r of included) perCat.set(r.category, (perCat.get(r.category) ?? 0) + 1);
  const out = new Map<Compared, number>();
  for (const r of included) {
    const catWeight = profile.weights ? (profile.weights[r.category] ?? 0) : 1;
    out.set(r, catWeight / (perCat.get(r.category) ?? 1));
  }
  return out;
}

/** Weighted geometric mean of the rows' p99 inflation, as a percent; null when no row has a tail ratio. */
function tailInflation(rows: Compared[], profile: Profile): number | null {
  let sw = 0;
  let s = 0;
  for (const [r, w] of rowWeights(rows, profile)) {
    if (r.tailRatio === null || !(r.tailRatio > 0) || !(w > 0)) continue;
    sw += w;
    s += w * Math.log(r.tailRatio);
  }
  return sw > 0 ? 100 * (Math.exp(s / sw) - 1) : null;
}

function security(host: Fingerprint, profile: Profile): SecurityFacts {
  const sharedKernel = host.platform === 'container' || host.platform === 'container-in-vm';
  const sharedTenancy = host.platform !== 'metal';
  const { aes, sha, rdrand } = host.cpu.flags;
  const notes: string[] = [];
  const cryptoMatters =
    profile.sensitiveData || (profile.weights?.crypto ?? 0) > 0 || (profile.resembles ?? []).some((id) => id.startsWith('crypto.'));
  if (host.platform === 'metal') notes.push('dedicated hardware: no co-tenants on the machine');
  const sharesHardware =
    host.platform === 'vm' || host.platform === 'container-in-vm'
      ? `shares hardware with other tenants${host.hypervisor ? ` under ${host.hypervisor}` : ''}: its own kernel, but caches and memory bandwidth are shared (side channels, noisy neighbours)`
      : null;
  if (sharesHardware) notes.push(sharesHardware);
  if (host.platform === 'sandbox' || host.platform === 'sandbox-in-vm') {
    notes.push(
      `sandboxed (${host.container ?? 'application kernel'}): the program's system calls are served by an application kernel, not the host's, so a host-kernel exploit must first get through the sandbox; the price is every syscall, measured here`,
    );
  }
  if (host.platform === 'sandbox-in-vm' || host.platform === 'vm-in-vm')
    notes.push(
      `runs inside a VM${host.hypervisor && host.hypervisor !== 'uml' ? ` (${host.hypervisor})` : ''}: shares that VM's hardware with its other tenants`,
    );
  if (host.platform === 'vm-in-vm')
    notes.push(
      `a guest kernel of its own${host.hypervisor ? ` (${host.hypervisor})` : ''}, nested in another guest: isolated from the outer guest's kernel, at the cost of every trap measured here`,
    );
  const sharesKernel = sharedKernel
    ? `shares the kernel with other containers${host.container ? ` (${host.container})` : ''}: a kernel exploit crosses the boundary`
    : null;
  if (sharesKernel) notes.push(sharesKernel);
  // What the host shares with other tenants, for the caveat of a recommendation.
  const sharing = sharesHardware ?? sharesKernel;
  if (host.platform === 'unknown') notes.push('isolation unknown: the fingerprint could not tell metal from virtual');
  if (cryptoMatters) {
    notes.push(
      aes
        ? 'AES instructions exposed: AES-GCM runs in hardware'
        : 'AES instructions not exposed: AES-GCM runs in software (slower, and table lookups leak timing)',
    );
    notes.push(sha ? 'SHA extensions exposed' : 'SHA extensions not exposed: SHA-256 runs in software');
    notes.push(
      rdrand
        ? 'RDRAND exposed: hardware entropy available'
        : 'RDRAND not exposed: entropy comes only from the kernel pool (virtio-rng or jitter)',
    );
  }
  if (profile.sensitiveData && sharedTenancy)
    notes.push('sensitive data on shared tenancy: prefer dedicated or confidential instances if the data requires it');
  return { sharedTenancy, sharedKernel, aes, sha, rdrand, notes, sharing };
}

/** The kit's signed percentage (src/report/format.ts). */

export function formatInterval(e: Estimate): string {
  return `${signedPct(e.point)} (${Math.round(e.level * 100)}% interval ${signedPct(e.lo)} to ${signedPct(e.hi)})`;
}

function costText(x: number, unit: string | undefined): string {
  const n = Number.isInteger(x) ? x.toLocaleString('en-US') : x.toLocaleString('en-US', { maximumFractionDigits: 2 });
  return unit ? `${n} ${unit}` : n;
}

/**
 * Why the best alternative cannot be told apart from the baseline, or null when it can: ranked by cost, its
 * fleet cost interval holds the baseline's fleet cost; ranked by overhead, its overhead interval holds 0.
 */
function indistinguishable(best: HostAdvice, base: HostAdvice, byCost: boolean, unit: string | undefined): string | null {
  if (byCost && best.fleetCost && base.fleetCost) {
    const b = base.fleetCost.point;
    return best.fleetCost.lo <= b && b <= best.fleetCost.hi
      ? `costs ${costText(best.fleetCost.lo, undefined)} to ${costText(best.fleetCost.hi, unit)} against ${costText(b, unit)} today`
      : null;
  }
  const o = best.overheadPct;
  return o && o.lo <= 0 && 0 <= o.hi ? `at ${formatInterval(o)}` : null;
}

export interface AdviseInput {
  profile: Profile;
  files: ResultsFile[];
  baseline: string;
  /** One comparison per non-baseline file against the baseline, made with compareOptionsFor(profile). */
  comparisons: Comparison[];
}

/** Rank the measured hosts for a profile and recommend one. Throws Error when the baseline is missing. */
export function advise(input: AdviseInput): Advice {
  const { profile, files, comparisons } = input;
  const base = files.find((f) => f.label === input.baseline);
  if (!base) throw new Error(`baseline "${input.baseline}" is not among the results`);
  const fleet = profile.fleetSize;
  // Contended rounds: the comparisons dropped them or distrusted the row; the advice says so first.
  const notes: string[] = files.flatMap((f) => {
    const w = contentionWarning(f);
    return w ? [warningText(w)] : [];
  });
  const loopback = loopbackNote(files);
  if (loopback) notes.push(loopback);
  const byLabel = new Map(comparisons.map((c) => [c.cand.label, c]));

  const hosts: HostAdvice[] = files.map((f) => {
    const isBaseline = f === base;
    const c = byLabel.get(f.label);
    const rows = (c?.rows ?? []).flatMap((r) => (r.status === 'compared' ? [r] : []));
    const overheadPct = isBaseline ? null : (c?.overall?.overheadPct ?? null);
    const cost = costFor(profile.costPerHost, f);
    const costPerHost = cost?.cost ?? null;
    const measured = isBaseline ? f.workloads.filter((w) => w.status === 'ok') : rows;
    const coverage = coverageOf(measured, profile);
    const refused = !isBaseline && coverage.missingWeightPct > MAX_MISSING_WEIGHT_PCT;
    const hostsNeeded = isBaseline ? { point: fleet, lo: fleet, hi: fleet } : overheadPct && !refused ? countFor(fleet, overheadPct) : null;
    const tail = isBaseline ? 0 : tailInflation(rows, profile);
    const disqualified: string[] = [];
    if (!isBaseline && !overheadPct) disqualified.push('no workload of this profile was compared on this host');
    else if (refused) {
      disqualified.push(
        `${Math.round(coverage.missingWeightPct)}% of the profile's weight was not measured (${missingText(coverage)}): no fleet size without them; measure them (virtax list shows each category's workloads)`,
      );
    }
    if (profile.latencySensitive && profile.p99BudgetPct !== undefined && tail !== null && tail > profile.p99BudgetPct) {
      disqualified.push(`p99 inflation ${signedPct(tail)} is over the ${profile.p99BudgetPct}% budget`);
    }
    return {
      label: f.label,
      isBaseline,
      platform: f.host.platform,
      hypervisor: f.host.hypervisor,
      container: f.host.container,
      overheadPct,
      workloads: isBaseline ? 0 : (c?.overall?.workloads ?? 0),
      tailInflationPct: tail,
      hostsNeeded,
      extraHosts: hostsNeeded ? { point: hostsNeeded.point - fleet, lo: hostsNeeded.lo - fleet, hi: hostsNeeded.hi - fleet } : null,
      costPerHost,
      costKey: cost?.key ?? null,
      coverage,
      fleetCost:
        hostsNeeded && costPerHost !== null
          ? { point: hostsNeeded.point * costPerHost, lo: hostsNeeded.lo * costPerHost, hi: hostsNeeded.hi * costPerHost }
          : null,
      security: security(f.host, profile),
      disqualified,
    };
  });

  const missingCost = hosts.filter((h) => h.costPerHost === null).map((h) => h.label);
  const byCost = missingCost.length === 0;
  if (profile.costPerHost && !byCost) notes.push(`no cost given for ${missingCost.join(', ')}: ranking by overhead instead of cost`);
  const overheadOf = (h: HostAdvice) => (h.isBaseline ? 0 : (h.overheadPct?.point ?? Number.POSITIVE_INFINITY));
  const key = (h: HostAdvice) => (byCost ? (h.fleetCost?.point ?? Number.POSITIVE_INFINITY) : overheadOf(h));
  const ranked = [...hosts].sort(
    (a, b) =>
      Number(a.disqualified.length > 0) - Number(b.disqualified.length > 0) ||
      key(a) - key(b) ||
      overheadOf(a) - overheadOf(b) ||
      a.label.localeCompare(b.label),
  );
  let best = ranked[0];
  let recommendation: Advice['recommendation'] = null;
  const baseHost = hosts.find((h) => h.isBaseline);
  const undecided =
    best && baseHost && !best.isBaseline && baseHost.disqualified.length === 0
      ? indistinguishable(best, baseHost, byCost, profile.costUnit)
      : null;
  if (undecided && baseHost && best) {
    // The best alternative's interval holds the baseline: nothing measured says moving pays.
    recommendation = {
      label: baseHost.label,
      reasons: [
        `keep ${baseHost.label}: the alternatives cannot be told apart from it (the best, ${best.label}, ${undecided})`,
        'more runs (virtax run --runs N) or rounds would narrow the interval',
      ],
    };
    best = undefined;
  }
  if (best && best.disqualified.length === 0) {
    const reasons: string[] = [];
    const runnerUp = ranked.slice(1).find((h) => h.disqualified.length === 0);
    if (byCost && best.fleetCost && best.hostsNeeded) {
      reasons.push(
        `lowest cost for the throughput of ${fleet} ${base.label} hosts: ${best.hostsNeeded.point} hosts x ${costText(best.costPerHost ?? 0, profile.costUnit)} = ${costText(best.fleetCost.point, profile.costUnit)}`,
      );
      if (runnerUp?.fleetCost) reasons.push(`next is ${runnerUp.label} at ${costText(runnerUp.fleetCost.point, profile.costUnit)}`);
    } else {
      reasons.push(
        best.isBaseline
          ? `it is the baseline, and no alternative measured a lower weighted overhead for this profile`
          : `lowest weighted overhead for this profile`,
      );
    }
    if (best.isBaseline) {
      reasons.push(`${fleet} hosts, as today`);
    } else if (best.overheadPct && best.extraHosts && best.hostsNeeded) {
      const more = best.extraHosts.point;
      reasons.push(
        `weighted overhead ${formatInterval(best.overheadPct)}: ${signedPct(best.overheadPct.point)} on ${fleet} hosts = ${Math.abs(more)} ${more >= 0 ? 'more' : 'fewer'} host${Math.abs(more) === 1 ? '' : 's'} (between ${best.extraHosts.lo} and ${best.extraHosts.hi})`,
      );
    }
    if (best.coverage.missing.length) {
      reasons.push(
        `caveat: built without ${missingText(best.coverage)}: ${Math.round(best.coverage.missingWeightPct)}% of the profile's weight is not measured, so the overhead and host count cover only ${best.coverage.measured.join(', ') || 'nothing'}`,
      );
    }
    if (profile.latencySensitive && best.tailInflationPct !== null && !best.isBaseline) {
      reasons.push(
        `p99 inflation ${signedPct(best.tailInflationPct)}${profile.p99BudgetPct !== undefined ? `, within the ${profile.p99BudgetPct}% budget` : ''}`,
      );
    }
    const rivals = ranked.slice(1).filter((h) => h.disqualified.length === 0);
    const close = rivals.filter((h) => {
      const a = best.isBaseline ? { lo: 0, hi: 0 } : best.overheadPct;
      const b = h.isBaseline ? { lo: 0, hi: 0 } : h.overheadPct;
      return a && b && a.lo <= b.hi && b.lo <= a.hi;
    });
    if (close.length)
      reasons.push(
        `its overhead cannot be told apart from ${close.map((h) => h.label).join(', ')} at this precision: more rounds would settle it`,
      );
    for (const h of ranked.filter((x) => x.disqualified.length > 0)) reasons.push(`${h.label} is ruled out: ${h.disqualified.join('; ')}`);
    if (profile.sensitiveData && best.security.sharedTenancy)
      reasons.push(`caveat: ${best.security.sharing ?? 'shared tenancy'} and the profile handles sensitive data`);
    const cryptoGaps = [!best.security.aes && 'AES', !best.security.sha && 'SHA', !best.security.rdrand && 'RDRAND'].filter(Boolean);
    if ((profile.sensitiveData || (profile.weights?.crypto ?? 0) > 0) && cryptoGaps.length)
      reasons.push(`caveat: ${cryptoGaps.join(', ')} not exposed on this host`);
    recommendation = { label: best.label, reasons };
  } else if (!recommendation) {
    notes.push("no host meets the profile's constraints: see each option's reasons");
  }
  return { schema: 'virtax.advice/v1', profile, baseline: base.label, ranking: ranked.map((h) => h.label), hosts, recommendation, notes };
}

/** The advice as plain text for the terminal. */
export function formatAdvice(a: Advice): string {
  const p = a.profile;
  const lines = [
    `Placement advice for "${p.name}" (${p.fleetSize} ${a.baseline} hosts today${p.latencySensitive ? ', latency-sensitive' : ''}${p.sensitiveData ? ', sensitive data' : ''})`,
    '',
  ];
  for (const label of a.ranking) {
    const h = a.hosts.find((x) => x.label === label);
    if (!h) continue;
    const kind = [h.platform, h.hypervisor, h.container].filter(Boolean).join(', ');
    lines.push(`${label}  [${kind}]${h.isBaseline ? '  (baseline)' : ''}`);
    lines.push(`  overhead     ${h.isBaseline ? 'reference' : h.overheadPct ? formatInterval(h.overheadPct) : 'not measured'}`);
    const weighted = h.coverage.measured.length + h.coverage.missing.length;
    const what = p.weights ? 'weighted categories' : 'resembled workloads';
    lines.push(
      `  measured     ${h.coverage.measured.length} of ${weighted} ${what}, ${h.coverage.workloads} workload${h.coverage.workloads === 1 ? '' : 's'}${h.coverage.missing.length ? `; NOT measured: ${missingText(h.coverage)}` : ''}`,
    );
    if (h.tailInflationPct !== null && !h.isBaseline) lines.push(`  p99          ${signedPct(h.tailInflationPct)}`);
    if (h.hostsNeeded && h.extraHosts) {
      const q = !h.isBaseline && h.coverage.missing.length ? ` (without ${h.coverage.missing.map((m) => m.name).join(', ')})` : '';
      lines.push(`  hosts        ${h.hostsNeeded.point} (${signedCount(h.extraHosts.point)}; ${h.hostsNeeded.lo}-${h.hostsNeeded.hi})${q}`);
    } else if (!h.isBaseline && h.overheadPct) lines.push('  hosts        not estimated: too much of the profile was not measured');
    if (h.fleetCost)
      lines.push(
        `  cost         ${costText(h.fleetCost.point, p.costUnit)} (${costText(h.fleetCost.lo, p.costUnit)} - ${costText(h.fleetCost.hi, p.costUnit)})`,
      );
    for (const n of h.security.notes) lines.push(`  security     ${n}`);
    for (const d of h.disqualified) lines.push(`  ruled out    ${d}`);
    lines.push('');
  }
  if (a.recommendation) {
    lines.push(`Recommendation: ${a.recommendation.label}`);
    for (const r of a.recommendation.reasons) lines.push(`  - ${r}`);
  }
  for (const n of a.notes) lines.push(`Note: ${n}`);
  return lines.join('\n');
}
