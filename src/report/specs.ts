/**
 * Chart specs as pure functions of the report model (CONTRIBUTING.md): `(model) => VegaLiteSpec`.
 * No I/O and no randomness, so a spec is testable as JSON and the same model always draws the same chart.
 * Data goes inline (`data.values`): the report works offline and from file://.
 */
import { factorInterval, formatFactor } from '../format/text.js';
import { CATEGORIES } from '../types.js';
import type { ReportModel } from './model.js';
import { VERDICT_ORDER } from './model.js';

/** A Vega-Lite top-level spec as plain JSON (checked by compiling it with vega-lite in the tests). */
export interface VegaLiteSpec {
  $schema: string;
  [key: string]: unknown;
}

export interface NamedSpec {
  /** File-safe name (used for PNG files and element ids). */
  name: string;
  title: string;
  spec: VegaLiteSpec;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Keep chart data small: six significant digits are far beyond what a chart shows. */
function r6(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : x;
}

function hostOrder(model: ReportModel): string[] {
  return model.hosts.map((h) => h.label);
}

/**
 * Host colours: twelve mid-tone hues that read on white as thin lines and apart from each other (Tableau 10
 * without its grey and light yellow, a darker mustard, cyan, indigo and olive); a label's colour follows from
 * the label, not its position among the hosts.
 */
export const HOST_PALETTE = [
  '#4c78a8',
  '#f58518',
  '#54a24b',
  '#b279a2',
  '#e45756',
  '#72b7b2',
  '#b79a20',
  '#9d755d',
  '#d67195',
  '#17becf',
  '#393b79',
  '#637939',
];

/** FNV-1a of the label: its preferred palette slot. */
function slotOf(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return h % HOST_PALETTE.length;
}

/**
 * One colour per host, keyed by its label: a host has the same colour on every page made from it (report,
 * compare --html, gate --html, run --html), whichever other hosts share the page and in whatever order. Two
 * labels that want one slot: the one first in (slot, label) order keeps it, the other takes the next free one
 * (so a collision, and only a collision, can move a colour between pages with different hosts).
 */
export function hostColours(labels: readonly string[]): Map<string, string> {
  const unique = [...new Set(labels)];
  const order = [...unique].sort((a, b) => slotOf(a) - slotOf(b) || (a < b ? -1 : a > b ? 1 : 0));
  const taken = new Set<number>();
  const out = new Map<string, string>();
  for (const l of order) {
    let slot = slotOf(l);
    for (let k = 0; k < HOST_PALETTE.length && taken.has(slot); k++) slot = (slot + 1) % HOST_PALETTE.length;
    taken.add(slot);
    out.set(l, HOST_PALETTE[slot] as string);
  }
  return out;
}

export function hostScale(model: ReportModel): { domain: string[]; range: string[] } {
  const hosts = hostOrder(model);
  const colours = hostColours(hosts);
  return { domain: hosts, range: hosts.map((h) => colours.get(h) as string) };
}
function hostColour(model: ReportModel, legend = true): object {
  const n = model.hosts.length;
  // Full labels in the legend (hosts of one fleet often share a long prefix, and a truncated legend names none).
  return {
    field: 'host',
    type: 'nominal',
    scale: hostScale(model),
    title: 'host',
    legend: legend && n <= 20 ? { orient: 'top', labelLimit: 420, columns: Math.min(n, 3) } : null,
  };
}

/**
 * Short axis labels for hosts: the prefix every label shares, up to a separator, is dropped, so
 * `firecracker-epyc-host-vm` and `firecracker-epyc-uml` read `host-vm` and `uml` on an axis where the full
 * labels would all be cut to the same `firecracker-…`. The legend and tooltips keep the full labels. Nothing is
 * dropped when a label would become empty or there is only one host.
 */
export function shortHostLabels(hosts: readonly string[]): Map<string, string> {
  const out = new Map(hosts.map((h) => [h, h]));
  if (hosts.length < 2) return out;
  let prefix = hosts[0] as string;
  for (const h of hosts) while (!h.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const cut = Math.max(...['-', '_', '.', ' ', '/'].map((sep) => prefix.lastIndexOf(sep))) + 1;
  if (cut <= 0 || hosts.some((h) => h.length <= cut)) return out;
  for (const h of hosts) out.set(h, h.slice(cut));
  return out;
}

/** A Vega label expression mapping each host to its short label (shortHostLabels). */
function hostLabelExpr(model: ReportModel): string | undefined {
  const short = shortHostLabels(hostOrder(model));
  const changed = [...short].filter(([full, s]) => full !== s);
  if (!changed.length) return undefined;
  return `${changed.map(([full, s]) => `datum.value === ${JSON.stringify(full)} ? ${JSON.stringify(s)} : `).join('')}datum.value`;
}

/** Verdict as a shape (colour is the host's): worse points right, better left, same a circle, unsettled a diamond. */
const VERDICT_SHAPES = { slower: 'triangle-right', faster: 'triangle-left', same: 'circle', inconclusive: 'diamond' } as const;
const verdictShapes = { domain: VERDICT_ORDER, range: VERDICT_ORDER.map((v) => VERDICT_SHAPES[v]) };

/** Percent ticks of the log-ratio axis (overheads are ratios: +100% and -50% are the same distance from 0). */
const PCT_TICKS = [-90, -75, -50, -30, -20, -10, -5, -2, -1, 0, 1, 2, 5, 10, 20, 30, 50, 100, 200, 500, 1000];
const lnr = (pct: number) => Math.log1p(pct / 100);

/**
 * The log-ratio axis: wide enough for every interval (and ±2δ) except the extreme ones, so that one huge
 * interval (io.fsync at -60%..+4,000%) does not squash every other workload. An interval is extreme when it
 * is more than four times as wide as the median interval (on the log scale); it and its point are clipped to
 * the axis and marked. Never beyond ×11 either way. Returns the domain in log units and the tick values.
 */
export function logAxis(
  rows: { point: number; lo: number; hi: number }[],
  noisePct: number,
): { domain: [number, number]; ticks: number[] } {
  const logs = rows.map((r) => ({ p: lnr(r.point), lo: lnr(r.lo), hi: lnr(r.hi) })).filter((r) => [r.p, r.lo, r.hi].every(Number.isFinite));
  const band = lnr(2 * Math.max(noisePct, 0.5));
  const widths = logs.map((r) => r.hi - r.lo).sort((a, b) => a - b);
  const medianWidth = widths[Math.floor((widths.length - 1) / 2)] ?? 0;
  const kept = logs.filter((r) => r.hi - r.lo <= 4 * medianWidth + 1e-9);
  const cap = Math.log(11);
  const lo = Math.max(-cap, Math.min(-band, ...kept.map((r) => Math.min(r.lo, r.p)))) * 1.05;
  const hi = Math.min(cap, Math.max(band, ...kept.map((r) => Math.max(r.hi, r.p)))) * 1.05;
  // Ticks at round percentages, at least a tenth of the axis apart (0 always), so no label is dropped.
  const gap = (hi - lo) / 10;
  const ticks: number[] = [0];
  for (const t of PCT_TICKS.map(lnr).filter((x) => x > 0 && x <= hi)) if (t - (ticks[ticks.length - 1] ?? 0) >= gap) ticks.push(t);
  const below: number[] = [];
  for (const t of PCT_TICKS.map(lnr)
    .filter((x) => x < 0 && x >= lo)
    .reverse())
    if ((below[below.length - 1] ?? 0) - t >= gap) below.push(t);
  const lowest = PCT_TICKS.map(lnr).find((x) => x < 0 && x >= lo);
  if (below.length === 0 && lowest !== undefined && -lowest >= gap / 2) below.push(lowest); // label the short side too
  return { domain: [r6(lo), r6(hi)], ticks: [...below.reverse(), ...ticks].map(r6) };
}

const PCT_LABEL = "(datum.value >= 0 ? '+' : '') + format((exp(datum.value) - 1) * 100, '.3~r') + '%'";

/** The shaded noise band ±δ and the zero line, drawn once per facet cell (hence the aggregate); `log`: in log-ratio units. */
function noiseBandLayers(noisePct: number, log = false): object[] {
  const once = [{ aggregate: [{ op: 'count', as: 'n' }] }];
  const [lo, hi] = log ? [r6(lnr(-noisePct)), r6(lnr(noisePct))] : [-noisePct, noisePct];
  return [
    { transform: once, mark: { type: 'rect', color: '#95a5a6', opacity: 0.25 }, encoding: { x: { datum: lo }, x2: { datum: hi } } },
    { transform: once, mark: { type: 'rule', color: '#2c3e50', strokeDash: [3, 3] }, encoding: { x: { datum: 0 } } },
  ];
}

/** Overall overhead of each host against the baseline, with its interval, coloured by verdict. */
export function overallSpec(model: ReportModel): VegaLiteSpec {
  const short = shortHostLabels(hostOrder(model));
  const row = (h: ReportModel['headlines'][number]) =>
    `${short.get(h.label) ?? h.label} (${h.coverage.workloads}/${h.coverage.ofWorkloads} workloads)`;
  const values = model.headlines.flatMap((h) =>
    h.overall
      ? [
          {
            host: h.label,
            row: row(h),
            point: r6(h.overall.point),
            lo: r6(h.overall.lo),
            hi: r6(h.overall.hi),
            verdict: h.overallVerdict,
            workloads: h.workloads,
            categories: h.coverage.categories.join(', '),
          },
        ]
      : [],
  );
  const y = { field: 'row', type: 'nominal', sort: model.headlines.map(row), title: null, axis: { labelLimit: 0 } };
  const color = hostColour(model, false);
  return {
    $schema: SCHEMA,
    description: `Overall overhead against ${model.baseline}`,
    data: { values },
    width: 560,
    height: { step: 22 },
    layer: [
      ...noiseBandLayers(model.noisePct),
      {
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: {
          y,
          x: { field: 'lo', type: 'quantitative', title: `overhead vs ${model.baseline} (%, positive = slower)` },
          x2: { field: 'hi' },
          color,
        },
      },
      {
        mark: { type: 'point', filled: true, size: 80 },
        encoding: {
          y,
          x: { field: 'point', type: 'quantitative' },
          color,
          shape: { field: 'verdict', type: 'nominal', scale: verdictShapes, title: 'verdict', legend: { orient: 'top' } },
          tooltip: [
            { field: 'host', title: 'host' },
            { field: 'point', title: 'overhead %', format: '.2f' },
            { field: 'lo', title: 'low %', format: '.2f' },
            { field: 'hi', title: 'high %', format: '.2f' },
            { field: 'verdict' },
            { field: 'workloads', title: 'workloads' },
            { field: 'categories', title: 'categories' },
          ],
        },
      },
    ],
  };
}

/**
 * Forest plot: overhead per workload with its interval, grouped by category, one colour per host. The x axis
 * is the log ratio labelled in percent; intervals beyond the axis are clipped and marked with an arrow.
 */
export function forestSpec(model: ReportModel): VegaLiteSpec {
  const axis = logAxis(model.forest, model.noisePct);
  const short = shortHostLabels(hostOrder(model));
  const [dlo, dhi] = axis.domain;
  const values = model.forest.map((r) => {
    const [l, p, h] = [lnr(r.lo), lnr(r.point), lnr(r.hi)];
    return {
      host: r.host,
      // Every row names its host: "sys.clock · uml" (the shared prefix of the labels dropped).
      row: `${r.id} · ${short.get(r.host) ?? r.host}`,
      id: r.id,
      title: r.title,
      category: r.category,
      point: r6(r.point),
      lo: r6(r.lo),
      hi: r6(r.hi),
      // log-ratio positions, clipped to the axis
      xl: r6(Math.max(dlo, Math.min(dhi, l))),
      xp: r6(Math.max(dlo, Math.min(dhi, p))),
      xh: r6(Math.max(dlo, Math.min(dhi, h))),
      clipLo: l < dlo,
      clipHi: h > dhi,
      // What runs off the axis, in numbers: the factor, and its interval's far end.
      beyond:
        h > dhi
          ? p > dhi
            ? factorInterval({ point: 1 + r.point / 100, lo: 1 + r.lo / 100, hi: 1 + r.hi / 100 })
            : `to ${formatFactor(1 + r.hi / 100)}`
          : l < dlo
            ? p < dlo
              ? factorInterval({ point: 1 + r.point / 100, lo: 1 + r.lo / 100, hi: 1 + r.hi / 100 })
              : `to ${formatFactor(1 + r.lo / 100)}`
            : null,
      verdict: r.verdict,
      q: r6(r.qValue),
    };
  });
  const candidates = model.headlines.map((h) => h.label);
  // One row per workload and host, grouped by workload, hosts in report order within it.
  const rowOrder = [...new Set(model.workloads.flatMap((w) => candidates.map((h) => `${w.id} · ${short.get(h) ?? h}`)))];
  const y = { field: 'row', type: 'nominal', title: null, sort: rowOrder, axis: { labelLimit: 320, labelFontSize: 10 } };
  const categories = CATEGORIES.filter((c) => values.some((v) => v.category === c));
  const x = (field: string) => ({
    field,
    type: 'quantitative',
    title: `overhead vs ${model.baseline} (%, log-ratio scale, positive = slower; ▶ ◀ runs off the axis: its factor is written beside it)`,
    scale: { domain: axis.domain, nice: false, zero: false },
    axis: { values: axis.ticks, labelExpr: PCT_LABEL, grid: true },
  });
  const color = hostColour(model);
  const tooltip = [
    { field: 'host' },
    { field: 'title', title: 'workload' },
    { field: 'point', title: 'overhead %', format: '.2f' },
    { field: 'lo', title: 'low %', format: '.2f' },
    { field: 'hi', title: 'high %', format: '.2f' },
    { field: 'verdict' },
    { field: 'q', title: 'q (BH)', format: '.3g' },
  ];
  return {
    $schema: SCHEMA,
    description: `Overhead per workload against ${model.baseline}, ${Math.round((model.forest[0]?.level ?? 0.95) * 100)}% intervals on a log-ratio axis, noise band ±${model.noisePct}%`,
    data: { values },
    facet: {
      row: {
        field: 'category',
        type: 'nominal',
        sort: categories,
        title: null,
        header: { labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold' },
      },
    },
    spec: {
      width: 560,
      height: { step: 12 },
      layer: [
        ...noiseBandLayers(model.noisePct, true),
        { mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { y, x: x('xl'), x2: { field: 'xh' }, color, tooltip } },
        {
          mark: { type: 'point', filled: true, size: 45 },
          encoding: {
            y,
            x: x('xp'),
            color,
            shape: { field: 'verdict', type: 'nominal', scale: verdictShapes, title: 'verdict', legend: { orient: 'top' } },
            tooltip,
          },
        },
        {
          transform: [{ filter: 'datum.clipHi' }],
          mark: { type: 'point', shape: 'triangle-right', filled: true, size: 60 },
          encoding: { y, x: x('xh'), color, tooltip },
        },
        {
          transform: [{ filter: 'datum.clipLo' }],
          mark: { type: 'point', shape: 'triangle-left', filled: true, size: 60 },
          encoding: { y, x: x('xl'), color, tooltip },
        },
        // The numbers of what runs off the axis, in the host's colour, beside its arrow.
        {
          transform: [{ filter: 'datum.clipHi' }],
          mark: { type: 'text', align: 'left', dx: 7, fontSize: 10, fontWeight: 'bold' },
          encoding: { y, x: x('xh'), text: { field: 'beyond' }, color, tooltip },
        },
        {
          transform: [{ filter: 'datum.clipLo && !datum.clipHi' }],
          mark: { type: 'text', align: 'right', dx: -7, fontSize: 10, fontWeight: 'bold' },
          encoding: { y, x: x('xl'), text: { field: 'beyond' }, color, tooltip },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/** The facet title of a workload's distribution panel. */
export function panelName(w: { id: string; unit: string; better: 'lower' | 'higher' }): string {
  return `${w.id} (${w.unit}, ${w.better} is better)`;
}

/**
 * Whether a panel's value axis starts at zero: it does when the figures reach down to half their maximum or
 * lower (the box then reads as a size); otherwise it fits the figures and its title says it does not start at 0.
 */
export function startsAtZero(figures: readonly number[]): boolean {
  if (figures.length === 0) return true;
  const lo = Math.min(...figures);
  const hi = Math.max(...figures);
  return lo <= 0 || lo <= hi / 2;
}

/**
 * Distributions per workload: one panel per workload that has rounds (no empty panel), a box of the round
 * figures per host with every round drawn as a point. Each panel has its own axes, so every panel names its
 * hosts and says when its value axis does not start at zero.
 */
export function distributionSpec(model: ReportModel): VegaLiteSpec {
  const values = model.rounds.map((p) => ({ host: p.host, id: p.id, round: p.round, figure: r6(p.figure) }));
  const hosts = hostOrder(model);
  const labelExpr = hostLabelExpr(model);
  const x = {
    field: 'host',
    type: 'nominal',
    sort: hosts,
    title: null,
    scale: { domain: hosts },
    axis: { labelAngle: -40, labelLimit: 180, ...(labelExpr ? { labelExpr } : {}) },
  };
  const color = hostColour(model);
  const panels = model.workloads.flatMap((w) => {
    const figures = model.rounds.filter((p) => p.id === w.id).map((p) => p.figure);
    if (figures.length === 0) return [];
    const zero = startsAtZero(figures);
    const y = {
      field: 'figure',
      type: 'quantitative',
      scale: { zero },
      title: zero ? null : 'axis not from 0',
      axis: { titleFontWeight: 'normal', titleColor: '#a04000' },
    };
    return [
      {
        title: { text: panelName(w), fontSize: 11, limit: 400 },
        transform: [{ filter: { field: 'id', equal: w.id } }],
        width: Math.max(180, hosts.length * 16),
        height: 150,
        layer: [
          { mark: { type: 'boxplot', extent: 'min-max', opacity: 0.35, size: 12 }, encoding: { x, y, color } },
          {
            mark: { type: 'point', filled: true, size: 16, opacity: 0.85 },
            encoding: {
              x,
              y,
              color,
              tooltip: [{ field: 'host' }, { field: 'id', title: 'workload' }, { field: 'round' }, { field: 'figure', format: '.4~g' }],
            },
          },
        ],
      },
    ];
  });
  return {
    $schema: SCHEMA,
    description: 'Round figures per workload and host (box: quartiles and range; points: rounds)',
    data: { values },
    columns: hosts.length > 12 ? 1 : hosts.length > 4 ? 2 : 3,
    concat: panels,
    resolve: { scale: { y: 'independent', color: 'shared' } },
  };
}

/** Noise per host: CV of the round figures and p99/p50 of the batches, one point per workload. */
export function noiseSpec(model: ReportModel): VegaLiteSpec {
  const values = model.noise.map((n) => ({ host: n.host, id: n.id, cv: r6(n.cvPct), tail: r6(n.tail) }));
  const hosts = hostOrder(model);
  const labelExpr = hostLabelExpr(model);
  const y = { field: 'host', type: 'nominal', sort: hosts, title: null, axis: { labelLimit: 200, ...(labelExpr ? { labelExpr } : {}) } };
  const panel = (field: 'cv' | 'tail', title: string, scaleType: 'symlog' | 'log') => ({
    width: 300,
    height: { step: 18 },
    layer: [
      {
        mark: { type: 'point', opacity: 0.6, size: 24 },
        encoding: {
          y,
          color: hostColour(model, field === 'cv'),
          x: { field, type: 'quantitative', title, scale: { type: scaleType } },
          tooltip: [{ field: 'host' }, { field: 'id', title: 'workload' }, { field, title, format: '.3~g' }],
        },
      },
      { mark: { type: 'tick', color: '#2c3e50', thickness: 2 }, encoding: { y, x: { aggregate: 'median', field, type: 'quantitative' } } },
    ],
  });
  return {
    $schema: SCHEMA,
    description: 'Noise of each host: points are workloads, the dark tick is the median',
    data: { values },
    hconcat: [panel('cv', 'CV of rounds (%)', 'symlog'), panel('tail', 'p99 / p50 of batches', 'log')],
  };
}

/** Noisy-neighbor tail amplification (p99 with a neighbor / p99 alone), when `noisy.*` workloads ran. */
export function noisySpec(model: ReportModel): VegaLiteSpec | null {
  const values = model.noisy
    .filter((n) => n.metric === 'tail amplification')
    .map((n) => ({ host: n.host, id: n.id, against: n.against, row: `${n.id} · ${n.against}`, value: r6(n.value), source: n.source }));
  if (values.length === 0) return null;
  const hosts = hostOrder(model);
  return {
    $schema: SCHEMA,
    description: 'Tail amplification under a noisy neighbor: p99 with the neighbor over p99 alone (1 = none)',
    data: { values },
    width: 520,
    height: { step: hosts.length <= 3 ? 12 : 7, for: 'offset' },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'row', type: 'nominal', title: null, axis: { labelLimit: 260 } },
          yOffset: { field: 'host', type: 'nominal', sort: hosts },
          x: { field: 'value', type: 'quantitative', title: 'p99 with neighbor / p99 alone', scale: { zero: false, domainMin: 0 } },
          color: hostColour(model),
          tooltip: [
            { field: 'host' },
            { field: 'id', title: 'workload' },
            { field: 'against' },
            { field: 'value', title: 'amplification', format: '.3~g' },
            { field: 'source' },
          ],
        },
      },
      {
        transform: [{ aggregate: [{ op: 'count', as: 'n' }] }],
        mark: { type: 'rule', strokeDash: [3, 3], color: '#2c3e50' },
        encoding: { x: { datum: 1 } },
      },
    ],
  };
}

/** Every chart of the report, in reading order; charts without data are left out. */
export function reportSpecs(model: ReportModel): NamedSpec[] {
  const out: NamedSpec[] = [];
  if (model.headlines.some((h) => h.overall))
    out.push({ name: 'overall', title: `Overall overhead against ${model.baseline}`, spec: overallSpec(model) });
  if (model.forest.length) out.push({ name: 'forest', title: 'Overhead per workload', spec: forestSpec(model) });
  if (model.rounds.length) out.push({ name: 'distributions', title: 'Distributions per workload', spec: distributionSpec(model) });
  if (model.noise.length) out.push({ name: 'noise', title: 'Noise per host', spec: noiseSpec(model) });
  const noisy = noisySpec(model);
  if (noisy) out.push({ name: 'noisy-neighbor', title: 'Noisy-neighbor tail amplification', spec: noisy });
  return out;
}
