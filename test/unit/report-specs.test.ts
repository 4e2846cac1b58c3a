import { describe, expect, it } from 'vitest';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { buildReportModel } from '../../src/report/model.js';
import { distributionSpec, forestSpec, logAxis, noisySpec, overallSpec, reportSpecs } from '../../src/report/specs.js';
import { specToSvg } from '../../src/report/png.js';
import { fingerprintOf, resultsOf, threeHosts, WORKLOADS } from '../helpers/report-fixtures.js';

const opts = { baseline: 'metal', noisePct: 2.5, generatedAt: '2026-11-25T00:00:00.000Z', toolVersion: '0.1.0' };
const { files, comparisons } = threeHosts();
const model = buildReportModel({ files, comparisons, ...opts });

function compiles(spec: object): string[] {
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    info: () => logger,
    debug: () => logger,
    warn: (...m: unknown[]) => (warnings.push(m.join(' ')), logger),
    error: (...m: unknown[]) => {
      throw new Error(m.join(' '));
    },
  };
  compile(spec as TopLevelSpec, { logger: logger as never });
  return warnings;
}

describe('chart specs', () => {
  it('are pure: the same model gives the same JSON', () => {
    expect(JSON.stringify(reportSpecs(model))).toBe(JSON.stringify(reportSpecs(structuredClone(model))));
  });

  it('lists every chart that has data, in reading order', () => {
    expect(reportSpecs(model).map((s) => s.name)).toEqual(['overall', 'forest', 'distributions', 'noise', 'noisy-neighbor']);
  });

  it('each compile with vega-lite without errors', () => {
    for (const s of reportSpecs(model)) expect(() => compiles(s.spec), s.name).not.toThrow();
  });

  it('forest: one interval per host and workload on a log-ratio axis, a colour per host, verdict as shape, noise band at ±δ', () => {
    const spec = forestSpec(model) as unknown as {
      data: { values: { host: string; verdict: string }[] };
      facet: { row: { field: string; sort: string[] } };
      spec: {
        layer: {
          encoding: Record<
            string,
            { datum?: number; field?: string; scale?: { domain: string[]; range?: string[] }; axis?: { labelExpr?: string } }
          >;
        }[];
      };
    };
    expect(spec.data.values).toHaveLength(10);
    expect(spec.facet.row.field).toBe('category');
    expect(spec.facet.row.sort).toEqual(['cpu', 'memory', 'syscall', 'crypto', 'network']);
    const band = spec.spec.layer[0]!.encoding;
    expect([band.x!.datum, band.x2!.datum]).toEqual([Number(Math.log1p(-0.025).toPrecision(6)), Number(Math.log1p(0.025).toPrecision(6))]);
    const point = spec.spec.layer[3]!.encoding;
    expect(point.color!.field).toBe('host');
    expect(point.color!.scale!.domain).toEqual(model.hosts.map((h) => h.label));
    expect(point.shape!.field).toBe('verdict');
    expect(point.shape!.scale!.domain).toEqual(['slower', 'faster', 'same', 'inconclusive']);
    expect(point.x!.axis!.labelExpr).toContain('exp(datum.value)');
  });

  it('forest: an extreme interval is clipped to the axis and marked, the axis stays near the points', () => {
    const m = structuredClone(model);
    m.forest[0] = { ...m.forest[0]!, point: 300, lo: -80, hi: 4000 };
    const axis = logAxis(m.forest, m.noisePct);
    expect(axis.domain[1]).toBeLessThan(Math.log1p(2)); // room for the +80% point, not stretched to +4,000% or +300%
    const values = (forestSpec(m) as unknown as { data: { values: { clipHi: boolean; clipLo: boolean; xh: number }[] } }).data.values;
    expect(values[0]).toMatchObject({ clipHi: true, clipLo: true, xh: axis.domain[1] });
    expect(values.slice(1).some((v) => v.clipHi || v.clipLo)).toBe(false);
    expect(() => compiles(forestSpec(m))).not.toThrow();
  });

  it('overall: each host with its coverage beside the figure, in the host colour', () => {
    const spec = overallSpec(model) as unknown as { data: { values: { host: string; row: string }[] } };
    // Short labels (the shared prefix dropped) and the coverage, with no label limit: nothing is cut.
    expect(spec.data.values.map((v) => v.row)).toEqual(model.headlines.map((h) => `${h.label} (5/6 workloads)`));
  });

  it('distributions: every round is a point, one panel per workload with its unit, each naming its hosts', () => {
    const spec = distributionSpec(model) as unknown as {
      data: { values: unknown[] };
      concat: {
        title: { text: string };
        layer: {
          mark: { type: string };
          encoding: { x: { scale: { domain: string[] } }; y: { scale: { zero: boolean }; title: string | null } };
        }[];
      }[];
    };
    expect(spec.data.values).toHaveLength(model.rounds.length);
    expect(spec.concat[0]!.title.text).toBe('cpu.int (ops/s, higher is better)');
    expect(spec.concat).toHaveLength(model.workloads.length);
    for (const p of spec.concat) {
      expect(p.layer.map((l) => l.mark.type)).toEqual(['boxplot', 'point']);
      // Every panel's own x axis lists every host (the same order everywhere), so no panel depends on the bottom row's labels.
      expect(p.layer[0]!.encoding.x.scale.domain).toEqual(model.hosts.map((h) => h.label));
      // An axis that does not start at zero says so.
      const y = p.layer[0]!.encoding.y;
      expect(y.title === 'axis not from 0').toBe(!y.scale.zero);
    }
    expect(() => compiles(distributionSpec(model))).not.toThrow();
  });

  it('overall and noisy charts are left out when there is nothing to draw', () => {
    const alone = buildReportModel({ files: [resultsOf('metal', fingerprintOf(), WORKLOADS)], comparisons: [], ...opts });
    expect(noisySpec(alone)).toBeNull();
    expect(reportSpecs(alone).map((s) => s.name)).toEqual(['distributions', 'noise']);
    expect((overallSpec(model) as unknown as { data: { values: unknown[] } }).data.values).toHaveLength(2);
  });

  it('render to SVG headlessly (the PNG path), with the hostile label as text', async () => {
    const evil = threeHosts('<img src=x onerror=alert(1)>');
    const m = buildReportModel({ files: evil.files, comparisons: evil.comparisons, ...opts });
    const svg = await specToSvg(overallSpec(m));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;img src=x');
  });
});

describe('host labels on axes', () => {
  it('drop the prefix every host shares, up to a separator; nothing when a label would be empty or hosts share none', async () => {
    const { shortHostLabels } = await import('../../src/report/specs.js');
    const m = shortHostLabels([
      'firecracker-epyc-host-vm',
      'firecracker-epyc-podman-runc',
      'firecracker-epyc-podman-runc-half-cpu',
      'firecracker-epyc-uml',
    ]);
    expect([...m.values()]).toEqual(['host-vm', 'podman-runc', 'podman-runc-half-cpu', 'uml']);
    expect([...shortHostLabels(['kvm-a', 'kvm-b']).values()]).toEqual(['a', 'b']);
    expect([...shortHostLabels(['metal', 'metal-vm']).values()]).toEqual(['metal', 'metal-vm']); // "metal" would become empty
    expect([...shortHostLabels(['kvm1', 'kvm2']).values()]).toEqual(['kvm1', 'kvm2']); // no separator inside the prefix
    expect([...shortHostLabels(['only-one']).values()]).toEqual(['only-one']);
  });
});

describe('host labels in the drawn charts', () => {
  it('axes show the short labels, the legend the full ones (rendered SVG)', async () => {
    const m = structuredClone(model);
    const rename = (l: string) => `fleet-eu-west-${l}`;
    for (const h of m.hosts) h.label = rename(h.label);
    for (const r of m.rounds) r.host = rename(r.host);
    const svg = await specToSvg(distributionSpec(m));
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((x) => x[1]);
    for (const h of model.hosts) {
      expect(texts, h.label).toContain(h.label);
      expect(texts, h.label).toContain(rename(h.label));
    }
  });
});
