/**
 * The history renderer (the collector's `GET /report?label=L`, src/collector/report.ts): one self-contained HTML
 * page with the medians per workload per result and, for each label with several results, the trend of each
 * workload with its change-point verdict in words (src/stats/history.ts gives the numbers). Text through the one
 * format kit (src/format/: escaping, signed percents), as every other renderer.
 */
import { escapeHtml } from '../format/escape.js';
import { signedPct } from '../format/text.js';
import { buildHistory, type WorkloadHistory } from '../stats/history.js';
import type { ResultsFile } from '../types.js';
import { formatNumber } from './table.js';

/** One line describing a series' shape, for tables and logs. */
export function describeShape(h: WorkloadHistory): string {
  const s = h.shape;
  switch (s.shape) {
    case 'too-short':
      return `${s.points} points: too few for a change-point check (needs ${s.needed})`;
    case 'flat':
      return `no step change (p = ${s.pValue.toFixed(3)})`;
    case 'creep':
      return `slow creep ${signedPct(s.totalChangePct)} over ${h.points.length} runs (p = ${s.pValue.toFixed(3)}), not a step`;
    case 'step':
      return s.changePoints
        .map((c) => `step ${signedPct(c.changePct)} at run ${c.index + 1} (${h.points[c.index]?.at ?? '?'}, p = ${c.pValue.toFixed(3)})`)
        .join('; ');
  }
}

/** A small inline SVG line of the series, with change points marked. */
function sparkline(h: WorkloadHistory): string {
  const w = 240;
  const ht = 40;
  const ys = h.points.map((p) => p.median);
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  const x = (i: number) => (ys.length === 1 ? w / 2 : (i / (ys.length - 1)) * (w - 4) + 2);
  const y = (v: number) => (hi === lo ? ht / 2 : ht - 3 - ((v - lo) / (hi - lo)) * (ht - 6));
  const path = ys.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const marks =
    h.shape.shape === 'step'
      ? h.shape.changePoints
          .map(
            (c) =>
              `<line x1="${x(c.index).toFixed(1)}" x2="${x(c.index).toFixed(1)}" y1="0" y2="${ht}" stroke="#c33" stroke-dasharray="2,2"/>`,
          )
          .join('')
      : '';
  return `<svg width="${w}" height="${ht}" viewBox="0 0 ${w} ${ht}" role="img" aria-label="trend of ${escapeHtml(h.id)}">${marks}<path d="${path}" fill="none" stroke="#36c" stroke-width="1.5"/></svg>`;
}

/** Render the page for these results (any number of hosts and labels). */
export function renderHistoryHtml(files: readonly ResultsFile[], title = 'virtax results'): string {
  const ordered = [...files].sort((a, b) => a.label.localeCompare(b.label) || a.startedAt.localeCompare(b.startedAt));
  const workloadIds = [...new Set(ordered.flatMap((f) => f.workloads.map((w) => w.id)))].sort();
  const head = ordered
    .map(
      (f) =>
        `<th title="${escapeHtml(f.id)}">${escapeHtml(f.label)}<br><small>${escapeHtml(f.host.hostname)} · ${escapeHtml(f.host.platform)}${f.host.hypervisor ? `/${escapeHtml(f.host.hypervisor)}` : ''}<br>${escapeHtml(f.startedAt)}</small></th>`,
    )
    .join('');
  const rows = workloadIds
    .map((id) => {
      const first = ordered.flatMap((f) => f.workloads).find((w) => w.id === id && w.status === 'ok');
      const unit = first && first.status === 'ok' ? `${first.unit}, ${first.better} is better` : '';
      const cells = ordered
        .map((f) => {
          const w = f.workloads.find((x) => x.id === id);
          if (!w) return '<td></td>';
          if (w.status !== 'ok') return `<td class="na" title="${escapeHtml(w.reason)}">${w.status}</td>`;
          return `<td>${escapeHtml(formatNumber(w.summary.median))}</td>`;
        })
        .join('');
      return `<tr><th>${escapeHtml(id)}<br><small>${escapeHtml(unit)}</small></th>${cells}</tr>`;
    })
    .join('\n');
  const labels = [...new Set(ordered.map((f) => f.label))];
  const trends = labels
    .map((label) => buildHistory(ordered, label))
    .filter((h) => h.results >= 2)
    .map((h) => {
      const lines = h.workloads
        .map(
          (w) =>
            `<tr><th>${escapeHtml(w.id)}</th><td>${sparkline(w)}</td><td>${escapeHtml(formatNumber(w.points[0]?.median ?? NaN))} → ${escapeHtml(formatNumber(w.points[w.points.length - 1]?.median ?? NaN))} ${escapeHtml(w.unit)}</td><td class="${w.shape.shape}">${escapeHtml(describeShape(w))}</td></tr>`,
        )
        .join('\n');
      return `<h2>Trend of ${escapeHtml(h.label)} (${h.results} runs)</h2>\n<table>${lines}</table>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right;vertical-align:top}tr>th:first-child{text-align:left}.na{color:#999}.step{color:#c33;font-weight:bold}.creep{color:#a60}small{color:#666;font-weight:normal}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
<p>${ordered.length} result(s). Median of the round figures per workload.</p>
<table><tr><th>workload</th>${head}</tr>
${rows}
</table>
${trends || '<p>No label has two or more results yet: no trend to show.</p>'}
</body></html>
`;
}
