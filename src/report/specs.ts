/**
 * Chart specs as pure functions of the report model (STYLE.md habit 6): `(model) => VegaLiteSpec`.
 * No I/O and no randomness, so a spec is testable as JSON and the same model always draws the same chart.
 * Data goes inline (`data.values`): the report works offline and from file://.
 */
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

/** Colours a reader can tell apart: red for worse, green for better, grey for the same, amber for not known. */
const VERDICT_COLOURS = { slower: '#c0392b', faster: '#1e8449', same: '#7f8c8d', inconclusive: '#d68910' } as const;
const verdictScale = { domain: VERDICT_ORDER, range: VERDICT_ORDER.map((v) => VERDICT_COLOURS[v]) };

/** Keep chart data small: six significant digits are far beyond what a chart shows. */
function r6(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : x;
}

function hostOrder(model: ReportModel): string[] {
  return model.hosts.map((h) => h.label);
}

/** The shaded noise band ±δ and the zero line, drawn once per facet cell (hence the aggregate). */
function noiseBandLayers(noisePct: number): object[] {
  const once = [{ aggregate: [{ op: 'count', as: 'n' }] }];
  return [
    { transform: once, mark: { type: 'rect', color: '#95a5a6', opacity: 0.25 }, encoding: { x: { datum: -noisePct }, x2: { datum: noisePct } } },
    { transform: once, mark: { type: 'rule', color: '#2c3e50', strokeDash: [3, 3] }, encoding: { x: { datum: 0 } } },
  ];
}

/** Overall overhead of each host against the baseline, with its interval, coloured by verdict. */
export function overallSpec(model: ReportModel): VegaLiteSpec {
  const values = model.headlines.flatMap((h) =>
    h.overall ? [{ host: h.label, point: r6(h.overall.point), lo: r6(h.overall.lo), hi: r6(h.overall.hi), verdict: h.overallVerdict, workloads: h.workloads }] : [],
  );
  const y = { field: 'host', type: 'nominal', sort: hostOrder(model), title: null, axis: { labelLimit: 200 } };
  return {
    $schema: SCHEMA,
    description: `Overall overhead against ${model.baseline}`,
    data: { values },
    width: 560,
    height: { step: 22 },
    layer: [
      ...noiseBandLayers(model.noisePct),
      { mark: { type: 'rule', strokeWidth: 2 }, encoding: { y, x: { field: 'lo', type: 'quantitative', title: `overhead vs ${model.baseline} (%, positive = slower)` }, x2: { field: 'hi' }, color: { field: 'verdict', type: 'nominal', scale: verdictScale, title: 'verdict' } } },
      {
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          y,
          x: { field: 'point', type: 'quantitative' },
          color: { field: 'verdict', type: 'nominal', scale: verdictScale },
          tooltip: [
            { field: 'host', title: 'host' },
            { field: 'point', title: 'overhead %', format: '.2f' },
            { field: 'lo', title: 'low %', format: '.2f' },
            { field: 'hi', title: 'high %', format: '.2f' },
            { field: 'verdict' },
            { field: 'workloads', title: 'workloads' },
          ],
        },
      },
    ],
  };
}

/** Forest plot: overhead per workload with its interval, grouped by category, one line per host. */
export function forestSpec(model: ReportModel): VegaLiteSpec {
  const values = model.forest.map((r) => ({
    host: r.host,
    id: r.id,
    title: r.title,
    category: r.category,
    point: r6(r.point),
    lo: r6(r.lo),
    hi: r6(r.hi),
    verdict: r.verdict,
    q: r6(r.qValue),
  }));
  const candidates = model.headlines.map((h) => h.label);
  // With yOffset the step is per host within a workload's band ('offset'), so bands grow with the hosts.
  const step = candidates.length <= 3 ? 11 : 7;
  const y = { field: 'id', type: 'nominal', title: null, axis: { labelLimit: 160 } };
  const yOffset = { field: 'host', type: 'nominal', sort: candidates };
  const categories = CATEGORIES.filter((c) => values.some((v) => v.category === c));
  return {
    $schema: SCHEMA,
    description: `Overhead per workload against ${model.baseline}, ${Math.round((model.forest[0]?.level ?? 0.95) * 100)}% intervals, noise band ±${model.noisePct}%`,
    data: { values },
    facet: { row: { field: 'category', type: 'nominal', sort: categories, title: null, header: { labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold' } } },
    spec: {
      width: 560,
      height: { step, for: 'offset' },
      layer: [
        ...noiseBandLayers(model.noisePct),
        { mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { y, yOffset, x: { field: 'lo', type: 'quantitative', title: `overhead vs ${model.baseline} (%, positive = slower)` }, x2: { field: 'hi' }, color: { field: 'verdict', type: 'nominal', scale: verdictScale, title: 'verdict' } } },
        {
          mark: { type: 'point', filled: true, size: 40 },
          encoding: {
            y,
            yOffset,
            x: { field: 'point', type: 'quantitative' },
            color: { field: 'verdict', type: 'nominal', scale: verdictScale },
            shape: candidates.length <= 8 ? { field: 'host', type: 'nominal', sort: candidates, title: 'host' } : { value: 'circle' },
            tooltip: [
              { field: 'host' },
              { field: 'title', title: 'workload' },
              { field: 'point', title: 'overhead %', format: '.2f' },
              { field: 'lo', title: 'low %', format: '.2f' },
              { field: 'hi', title: 'high %', format: '.2f' },
              { field: 'verdict' },
              { field: 'q', title: 'q (BH)', format: '.3g' },
            ],
          },
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

/** Distributions per workload: a box of the round figures per host with every round drawn as a point. */
export function distributionSpec(model: ReportModel): VegaLiteSpec {
  const values = model.rounds.map((p) => ({ host: p.host, id: p.id, round: p.round, figure: r6(p.figure) }));
  const workloads = model.workloads.map((w) => ({ id: w.id, panel: panelName(w) }));
  const hosts = hostOrder(model);
  const x = { field: 'host', type: 'nominal', sort: hosts, title: null, axis: { labelAngle: -40, labelLimit: 110 } };
  const y = { field: 'figure', type: 'quantitative', scale: { zero: false }, title: null };
  const color = { field: 'host', type: 'nominal', sort: hosts, legend: null };
  return {
    $schema: SCHEMA,
    description: 'Round figures per workload and host (box: quartiles and range; points: rounds)',
    data: { values },
    transform: [{ lookup: 'id', from: { data: { values: workloads }, key: 'id', fields: ['panel'] } }],
    facet: { field: 'panel', type: 'nominal', sort: workloads.map((w) => w.panel), title: null, header: { labelFontWeight: 'bold', labelLimit: 400 } },
    columns: hosts.length > 12 ? 1 : hosts.length > 4 ? 2 : 3,
    spec: {
      width: Math.max(180, hosts.length * 16),
      height: 150,
      layer: [
        { mark: { type: 'boxplot', extent: 'min-max', opacity: 0.35, size: 12 }, encoding: { x, y, color } },
        {
          mark: { type: 'point', filled: true, size: 16, opacity: 0.85 },
          encoding: { x, y, color, tooltip: [{ field: 'host' }, { field: 'id', title: 'workload' }, { field: 'round' }, { field: 'figure', format: '.4~g' }] },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/** Noise per host: CV of the round figures and p99/p50 of the batches, one point per workload. */
export function noiseSpec(model: ReportModel): VegaLiteSpec {
  const values = model.noise.map((n) => ({ host: n.host, id: n.id, cv: r6(n.cvPct), tail: r6(n.tail) }));
  const hosts = hostOrder(model);
  const y = { field: 'host', type: 'nominal', sort: hosts, title: null, axis: { labelLimit: 160 } };
  const panel = (field: 'cv' | 'tail', title: string, scaleType: 'symlog' | 'log') => ({
    width: 300,
    height: { step: 18 },
    layer: [
      {
        mark: { type: 'point', opacity: 0.6, size: 24 },
        encoding: { y, x: { field, type: 'quantitative', title, scale: { type: scaleType } }, tooltip: [{ field: 'host' }, { field: 'id', title: 'workload' }, { field, title, format: '.3~g' }] },
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
      { mark: { type: 'bar' }, encoding: { y: { field: 'row', type: 'nominal', title: null, axis: { labelLimit: 260 } }, yOffset: { field: 'host', type: 'nominal', sort: hosts }, x: { field: 'value', type: 'quantitative', title: 'p99 with neighbor / p99 alone', scale: { zero: false, domainMin: 0 } }, color: { field: 'host', type: 'nominal', sort: hosts, title: 'host', legend: hosts.length <= 20 ? {} : null }, tooltip: [{ field: 'host' }, { field: 'id', title: 'workload' }, { field: 'against' }, { field: 'value', title: 'amplification', format: '.3~g' }, { field: 'source' }] } },
      { transform: [{ aggregate: [{ op: 'count', as: 'n' }] }], mark: { type: 'rule', strokeDash: [3, 3], color: '#2c3e50' }, encoding: { x: { datum: 1 } } },
    ],
  };
}

/** Every chart of the report, in reading order; charts without data are left out. */
export function reportSpecs(model: ReportModel): NamedSpec[] {
  const out: NamedSpec[] = [];
  if (model.headlines.some((h) => h.overall)) out.push({ name: 'overall', title: `Overall overhead against ${model.baseline}`, spec: overallSpec(model) });
  if (model.forest.length) out.push({ name: 'forest', title: 'Overhead per workload', spec: forestSpec(model) });
  if (model.rounds.length) out.push({ name: 'distributions', title: 'Distributions per workload', spec: distributionSpec(model) });
  if (model.noise.length) out.push({ name: 'noise', title: 'Noise per host', spec: noiseSpec(model) });
  const noisy = noisySpec(model);
  if (noisy) out.push({ name: 'noisy-neighbor', title: 'Noisy-neighbor tail amplification', spec: noisy });
  return out;
}
