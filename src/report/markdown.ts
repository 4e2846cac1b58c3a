/**
 * The report as Markdown (a PR comment, a wiki page): headline, per-host tables, advice, methodology.
 * Strings from results files are data: Markdown and HTML metacharacters are escaped so a label cannot
 * inject links, images or markup into the page that renders the comment.
 */
import { agilityColumns, agilityNote } from './agility.js';
import { factorInterval, formatFactor, signedPct } from '../format/text.js';
import type { Estimate } from '../stats/types.js';
import { escapeHtml } from './html.js';
import { coverageText, factorBand, noticeCounts, type CostCell, type ReportModel } from './model.js';
import { platformClassWords, trapNote } from './platform-class.js';
import { markdownTable } from './columns.js';
import { WORKLOAD_TABLE } from './workload-table.js';

export { escapeMarkdown } from '../format/escape.js';
import { escapeMarkdown } from '../format/escape.js';

const e = escapeMarkdown;
const interval = (x: Estimate) => `${signedPct(x.point)} [${signedPct(x.lo)}, ${signedPct(x.hi)}]`;

export function renderMarkdown(m: ReportModel): string {
  const out: string[] = [
    `## ${e(m.title)}`,
    '',
    `Baseline **${e(m.baseline)}**; noise threshold ±${m.noisePct}%; positive overhead = slower than the baseline.`,
    '',
  ];
  out.push(...costTableMarkdown(m));
  if (m.notices.length) {
    out.push(`<details><summary>⚠ ${escapeHtml(noticeCounts(m.notices))}</summary>`, '');
    for (const n of m.notices) out.push(`- ${e(n.text)}${n.hosts.length ? ` (${n.hosts.map(e).join(', ')})` : ''}`);
    out.push('', '</details>', '');
  }
  if (m.headlines.length) {
    out.push('| host | overall overhead [interval] | verdict | measured on | worst three | the same |', '|---|---|---|---|---|---|');
    for (const h of m.headlines) {
      const worst = h.worst.map((w) => `${e(w.id)} ${signedPct(w.overheadPct.point)} (${w.verdict})`).join(', ');
      const same = h.same.length ? h.same.map((w) => e(w.id)).join(', ') : '–';
      out.push(
        `| ${e(h.label)} | ${h.overall ? interval(h.overall) : '–'} | ${h.overallVerdict ?? '–'} | ${coverageText(h.coverage)} | ${worst || '–'} | ${same} |`,
      );
    }
    out.push('');
    const capacity = m.headlines.flatMap((h) => (h.capacity ? [`- **${e(h.label)}**: ${e(h.capacity)}`] : []));
    if (capacity.length) out.push('**Capacity**', '', ...capacity, '');
  }
  for (const h of m.headlines) {
    out.push(
      `<details><summary>${escapeHtml(h.label)}: ${h.counts.slower} slower, ${h.counts.faster} faster, ${h.counts.same} same, ${h.counts.inconclusive} inconclusive</summary>`,
      '',
    );
    out.push(...markdownTable(WORKLOAD_TABLE, [...m.forest.filter((x) => x.host === h.label), ...h.notCompared]));
    out.push('', '</details>', '');
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
      out.push(
        `| ${e(h.label)} | ${h.isBaseline ? 'reference' : h.overheadPct ? interval(h.overheadPct) : '–'} | ${h.hostsNeeded?.point ?? '–'} | ${h.fleetCost ? h.fleetCost.point.toLocaleString('en-US') : '–'} |`,
      );
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

/** Marks for a cell's size in Markdown, where there is no colour: none when not shown to differ, then ↓ and ▲ to ▲▲▲▲▲. */
const MARK: Record<ReturnType<typeof factorBand>, string> = {
  same: '',
  better: ' ↓',
  'worse-1': ' ▲',
  'worse-2': ' ▲▲',
  'worse-3': ' ▲▲▲',
  'worse-4': ' ▲▲▲▲',
  'worse-5': ' ▲▲▲▲▲',
};

function cellMarkdown(c: CostCell | null | undefined): string {
  if (!c) return '–';
  if (c.factor === 1 && c.lo === 1 && c.hi === 1) return formatFactor(1);
  const text = factorInterval({ point: c.factor, lo: c.lo, hi: c.hi });
  return c.factor >= 3 && factorBand(c) !== 'same' ? `**${text}**${MARK[factorBand(c)]}` : `${text}${MARK[factorBand(c)]}`;
}

/** The first screen as Markdown: hosts x categories, the trap notes and the noisy-neighbour amplification apart. */
export function costTableMarkdown(m: ReportModel): string[] {
  const t = m.costTable;
  const out = [`| host | platform | ${t.categories.join(' | ')} | overall |`, `|---|---|${t.categories.map(() => '---:').join('|')}|---:|`];
  for (const r of t.rows) {
    out.push(
      `| ${e(r.host)}${r.isBaseline ? ' (baseline)' : ''} | ${e(platformClassWords(r.platformClass))} | ${t.categories.map((c) => cellMarkdown(r.cells[c])).join(' | ')} | ${r.isBaseline ? 'x1.00' : cellMarkdown(r.overall)} |`,
    );
  }
  out.push(
    '',
    `_Cost factor against ${e(m.baseline)} (x1.00 = the same) with its ${Math.round((m.methodology.level ?? 0.95) * 100)}% interval; a category is the geometric mean of its workloads, with its own interval (as the overall index, over that category alone); ↓ cheaper, ▲ to ▲▲▲▲▲ up to x1.1, x1.5, x3, x10 and beyond; no mark: not shown to differ; – not measured._`,
    '',
  );
  for (const r of t.rows) {
    const n = trapNote(r.platformClass);
    if (n) out.push(`- **${e(r.host)}**: ${e(n)}`);
  }
  const amp = [...new Set(m.noisy.map((n) => n.host))].flatMap((host) => {
    const worst = m.noisy.filter((n) => n.host === host && n.metric === 'tail amplification').sort((a, b) => b.value - a.value)[0];
    return worst ? [`${e(host)} ${formatFactor(worst.value)} (${e(worst.victim)} p99 with ${e(worst.against)})`] : [];
  });
  if (amp.length)
    out.push(`- Noisy neighbour, worst p99 amplification within each host (not a factor against the baseline): ${amp.join('; ')}`);
  if (out[out.length - 1] !== '') out.push('');
  if (m.agility.length) {
    out.push(...markdownTable(agilityColumns(), m.agility));
    out.push('', `_${e(agilityNote(m.agility))}_`, '');
  }
  return out;
}
