/**
 * The report as Markdown (a PR comment, a wiki page): headline, per-host tables, advice, methodology.
 * Strings from results files are data: Markdown and HTML metacharacters are escaped so a label cannot
 * inject links, images or markup into the page that renders the comment.
 */
import { signedPct } from '../format/text.js';
import type { Estimate } from '../stats/types.js';
import { escapeHtml } from './html.js';
import { coverageText, type ReportModel } from './model.js';
import { formatAddedPerOp, inconclusiveText } from './comparison-exporters.js';

export { escapeMarkdown } from '../format/escape.js';
import { escapeMarkdown } from '../format/escape.js';

const e = escapeMarkdown;
const interval = (x: Estimate) => `${signedPct(x.point)} [${signedPct(x.lo)}, ${signedPct(x.hi)}]`;

export function renderMarkdown(m: ReportModel): string {
  const out: string[] = [`## ${e(m.title)}`, '', `Baseline **${e(m.baseline)}**; noise threshold ±${m.noisePct}%; positive overhead = slower than the baseline.`, ''];
  for (const w of m.warnings) out.push(`> **Warning:** ${e(w)}`, '');
  if (m.headlines.length) {
    out.push('| host | overall overhead [interval] | verdict | measured on | worst three | the same |', '|---|---|---|---|---|---|');
    for (const h of m.headlines) {
      const worst = h.worst.map((w) => `${e(w.id)} ${signedPct(w.overheadPct.point)} (${w.verdict})`).join(', ');
      const same = h.same.length ? h.same.map((w) => e(w.id)).join(', ') : '–';
      out.push(`| ${e(h.label)} | ${h.overall ? interval(h.overall) : '–'} | ${h.overallVerdict ?? '–'} | ${coverageText(h.coverage)} | ${worst || '–'} | ${same} |`);
    }
    out.push('');
    const capacity = m.headlines.flatMap((h) => (h.capacity ? [`- **${e(h.label)}**: ${e(h.capacity)}`] : []));
    if (capacity.length) out.push('**Capacity**', '', ...capacity, '');
  }
  for (const h of m.headlines) {
    out.push(`<details><summary>${escapeHtml(h.label)}: ${h.counts.slower} slower, ${h.counts.faster} faster, ${h.counts.same} same, ${h.counts.inconclusive} inconclusive</summary>`, '');
    out.push('| workload | overhead [interval] | added per op [interval] | verdict | q |', '|---|---|---|---|---|');
    for (const r of m.forest.filter((x) => x.host === h.label)) {
      const why = r.inconclusive ? ` (${e(inconclusiveText(r.inconclusive))})` : '';
      out.push(`| ${e(r.id)} | ${interval({ point: r.point, lo: r.lo, hi: r.hi, level: r.level, method: r.method })} | ${r.addedPerOp ? e(formatAddedPerOp(r.addedPerOp)) : ''} | ${r.verdict}${why} | ${r.qValue.toPrecision(2)} |`);
    }
    for (const n of h.notCompared) out.push(`| ${e(n.id)} | not compared: ${e(n.reason)} | | |`);
    for (const w of h.warnings) out.push('', `> ${e(w)}`);
    out.push('', '</details>', '');
  }
  const hostWarnings = m.hosts.filter((h) => h.warnings.length);
  if (hostWarnings.length) {
    out.push('**Host warnings**', '');
    for (const h of hostWarnings) for (const w of h.warnings) out.push(`- ${e(h.label)}: ${e(w)}`);
    out.push('');
  }
  const a = m.advice;
  if (a) {
    out.push(`### Placement advice: ${e(a.profile.name)}`, '');
    if (a.recommendation) {
      out.push(`**Recommendation: ${e(a.recommendation.label)}**`, '');
      for (const r of a.recommendation.reasons) out.push(`- ${e(r)}`);
      out.push('');
    }
    out.push('| host | weighted overhead | hosts needed | fleet cost |', '|---|---|---|---|');
    for (const label of a.ranking) {
      const h = a.hosts.find((x) => x.label === label);
      if (!h) continue;
      out.push(`| ${e(h.label)} | ${h.isBaseline ? 'reference' : h.overheadPct ? interval(h.overheadPct) : '–'} | ${h.hostsNeeded?.point ?? '–'} | ${h.fleetCost ? h.fleetCost.point.toLocaleString('en-US') : '–'} |`);
    }
    out.push('');
  }
  const me = m.methodology;
  out.push(
    `_Method: ${me.resamples ?? '–'} bootstrap resamples (seed ${me.seed ?? '–'}), ${me.level === null ? '' : `${Math.round(me.level * 100)}% intervals, `}Mann-Whitney U with Benjamini-Hochberg (α = ${me.alpha ?? '–'}); ${e(me.verdictRule)} Rounds per host: ${me.perHost.map((h) => `${e(h.label)} ${h.rounds}`).join(', ')}._`,
    '',
  );
  return out.join('\n');
}
