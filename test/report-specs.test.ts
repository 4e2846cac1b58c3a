import { describe, expect, it } from 'vitest';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { buildReportModel } from '../src/report/model.js';
import { distributionSpec, forestSpec, noisySpec, overallSpec, reportSpecs } from '../src/report/specs.js';
import { specToSvg } from '../src/report/png.js';
import { fingerprintOf, resultsOf, threeHosts, WORKLOADS } from './report-fixtures.js';

const opts = { baseline: 'metal', noisePct: 2.5, generatedAt: '2026-11-25T00:00:00.000Z', toolVersion: '0.1.0' };
const { files, comparisons } = threeHosts();
const model = buildReportModel({ files, comparisons, ...opts });

function compiles(spec: object): string[] {
  const warnings: string[] = [];
  const logger = { level: () => logger, info: () => logger, debug: () => logger, warn: (...m: unknown[]) => (warnings.push(m.join(' ')), logger), error: (...m: unknown[]) => { throw new Error(m.join(' ')); } };
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

  it('forest: one interval per host and workload, coloured by verdict, noise band at ±δ, grouped by category', () => {
    const spec = forestSpec(model) as unknown as { data: { values: { host: string; verdict: string }[] }; facet: { row: { field: string; sort: string[] } }; spec: { layer: { encoding: Record<string, { datum?: number; field?: string; scale?: { domain: string[] } }> }[] } };
    expect(spec.data.values).toHaveLength(10);
    expect(spec.facet.row.field).toBe('category');
    expect(spec.facet.row.sort).toEqual(['cpu', 'memory', 'syscall', 'crypto', 'network']);
    const band = spec.spec.layer[0]!.encoding;
    expect([band.x!.datum, band.x2!.datum]).toEqual([-2.5, 2.5]);
    const colour = spec.spec.layer[2]!.encoding.color!;
    expect(colour.field).toBe('verdict');
    expect(colour.scale!.domain).toEqual(['slower', 'faster', 'same', 'inconclusive']);
  });

  it('distributions: every round is a point, faceted per workload with its unit', () => {
    const spec = distributionSpec(model) as unknown as { data: { values: unknown[] }; facet: { sort: string[] }; spec: { layer: { mark: { type: string } }[] } };
    expect(spec.data.values).toHaveLength(model.rounds.length);
    expect(spec.facet.sort[0]).toBe('cpu.int (ops/s, higher is better)');
    expect(spec.spec.layer.map((l) => l.mark.type)).toEqual(['boxplot', 'point']);
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
