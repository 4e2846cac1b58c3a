/** The HTML report's headline (host colour, coverage, capacity) and the summarised noisy-neighbour section. */
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../src/report/html.js';
import { buildReportModel } from '../../src/report/model.js';
import { hostScale } from '../../src/report/specs.js';
import { threeHosts } from '../helpers/report-fixtures.js';

const { files, comparisons } = threeHosts();
const model = buildReportModel({
  files,
  comparisons,
  baseline: 'metal',
  noisePct: 2.5,
  generatedAt: '2026-11-25T00:00:00.000Z',
  toolVersion: '0.1.0',
});

describe('report headline and noisy neighbours', () => {
  it('each host has one colour, used by the charts and the swatches in the text', () => {
    const s = hostScale(model);
    expect(s.domain).toEqual(model.hosts.map((h) => h.label));
    expect(new Set(s.range).size).toBe(s.range.length);
    const html = renderReport(model, []);
    for (const [i, label] of s.domain.entries())
      expect(html).toContain(`<span class="swatch" style="background:${s.range[i]}" title="colour of ${label} in the charts">`);
  });

  it('says what each overall figure rests on, and warns when a host was measured on less', () => {
    const html = renderReport(model, []);
    expect(html).toMatch(
      /overall <span class="verdict v-\w+">\w+<\/span> <span class="warn">\(5 of 6 workloads, 5 of 6 categories: not comparable with a host measured on more\)<\/span>/,
    );
  });

  it('noisy neighbours: one summary row per host, every measurement collapsed underneath', () => {
    const html = renderReport(model, []);
    const section = html.slice(html.indexOf('<h2 id="noisy-neighbor">'));
    expect(section).toMatch(/<th>worst tail amplification<\/th>/);
    expect(section).toMatch(/<details><summary>all \d+ measurements<\/summary>/);
    const summaryRows = section.slice(0, section.indexOf('<details>')).match(/<tr><td><span class="swatch"/g) ?? [];
    expect(summaryRows.length).toBe(new Set(model.noisy.map((n) => n.host)).size);
  });
});
