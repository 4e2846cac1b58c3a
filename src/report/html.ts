/**
 * The HTML report: one self-contained file (vega, vega-lite and vega-embed inlined, data inline, no
 * request leaves the page), readable offline and from file://. Returns a string; the caller writes it.
 *
 * Every string that came from a results file (labels, host names, CPU models, reasons, notes) is data:
 * it is HTML-escaped in the markup, and the chart specs travel as JSON in a <script type="application/json">
 * with `<`, `>`, `&`, U+2028 and U+2029 escaped, so no value can close the script element or run.
 */
import { agilityColumns, agilityNote } from './agility.js';
import { readFileSync } from 'node:fs';
import { signedPct } from '../format/text.js';
import type { Advice } from '../advise/types.js';
import type { Estimate } from '../stats/types.js';
import { factorInterval, formatFactor } from '../format/text.js';
import { coverageText, factorBand, noticeCounts, type CostCell, type HostCard, type ReportModel } from './model.js';
import { platformClassWords, trapNote } from './platform-class.js';
import { hostScale, reportSpecs, shortHostLabels, type NamedSpec } from './specs.js';
import { htmlTable } from './columns.js';
import { WORKLOAD_TABLE, type WorkloadTableRow } from './workload-table.js';

export { escapeHtml } from '../format/escape.js';
import { escapeHtml } from '../format/escape.js';

/** JSON safe to place inside a <script> element: nothing in it can end the element or break the JS parser. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A library's source made safe to inline: no source-map fetch, nothing that could close the element. */
function inlineScript(js: string): string {
  return js
    .replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n')
    .replace(/<\/(script)/gi, '<\\/$1')
    .replace(/<!--/g, '<\\!--');
}

let libraries: string | null = null;
/** vega, vega-lite and vega-embed builds, located through the packages' own resolution. */
export function chartLibraries(): string {
  if (!libraries) {
    const read = (pkg: string, file: string) => readFileSync(new URL(file, import.meta.resolve(pkg)), 'utf8');
    libraries = [read('vega', 'vega.min.js'), read('vega-lite', 'vega-lite.min.js'), read('vega-embed', 'vega-embed.min.js')]
      .map((js) => `<script>${inlineScript(js)}</script>`)
      .join('\n');
  }
  return libraries;
}

const pct = (x: number) => signedPct(x, 1);
const interval = (e: Estimate) => `${pct(e.point)} <span class="ci">[${pct(e.lo)}, ${pct(e.hi)}]</span>`;
const verdictTag = (v: string | null) => (v ? `<span class="verdict v-${escapeHtml(v)}">${escapeHtml(v)}</span>` : '');
const num = (x: number | null | undefined, digits = 2) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));

/** The host's chart colour as a small square, so text and charts name hosts the same way. */
function swatch(m: ReportModel, label: string): string {
  const s = hostScale(m);
  const c = s.range[s.domain.indexOf(label)] ?? '#999';
  return `<span class="swatch" style="background:${c}" title="colour of ${escapeHtml(label)} in the charts"></span>`;
}

/** A cost cell: the factor with its interval, coloured by its size (factorBand). */
function costCellHtml(c: CostCell | null | undefined, title: string): string {
  if (!c) return '<td class="n muted" title="not measured">–</td>';
  const text =
    c.lo === 1 && c.hi === 1 && c.factor === 1
      ? formatFactor(1)
      : `${formatFactor(c.factor)}<br><span class="ci">[${formatFactor(c.lo)}, ${formatFactor(c.hi)}]</span>`;
  return `<td class="n f-${factorBand(c)}" title="${escapeHtml(`${title}: ${factorInterval({ point: c.factor, lo: c.lo, hi: c.hi })}, ${c.workloads} workload${c.workloads === 1 ? '' : 's'}, ${c.verdict}`)}">${text}</td>`;
}

/**
 * The first screen: what each platform costs each kind of work, one row per host with its platform class,
 * a note under the table for every host whose system calls trap (not hardware virtualization), and the
 * noisy-neighbour amplification apart (it is measured within a host, not against the baseline).
 */
function firstScreen(m: ReportModel): string {
  const t = m.costTable;
  const short = shortHostLabels(t.rows.map((r) => r.host));
  const head = `<tr><th>host</th>${t.categories.map((c) => `<th class="n">${escapeHtml(c)}</th>`).join('')}<th class="n">overall</th></tr>`;
  const rows = t.rows
    .map(
      (r) =>
        `<tr><td class="who" title="${escapeHtml(r.host)}">${swatch(m, r.host)}<b>${escapeHtml(short.get(r.host) ?? r.host)}</b>${r.isBaseline ? ' <small>(baseline)</small>' : ''}<br><span class="class">${escapeHtml(platformClassWords(r.platformClass))}</span></td>${t.categories.map((c) => costCellHtml(r.cells[c], `${r.host}, ${c}`)).join('')}${r.isBaseline ? '<td class="n f-same">x1.00</td>' : costCellHtml(r.overall, `${r.host}, overall`)}</tr>`,
    )
    .join('');
  const notes = t.rows.flatMap((r) => {
    const n = trapNote(r.platformClass);
    return n ? [`<li>${swatch(m, r.host)}<b>${escapeHtml(r.host)}</b>: ${escapeHtml(n)}</li>`] : [];
  });
  const amp = [...new Set(m.noisy.map((n) => n.host))].flatMap((host) => {
    const worst = m.noisy.filter((n) => n.host === host && n.metric === 'tail amplification').sort((a, b) => b.value - a.value)[0];
    return worst
      ? [
          `${swatch(m, host)}${escapeHtml(host)} ${formatFactor(worst.value)} <span class="muted">(<code>${escapeHtml(worst.victim)}</code> p99 with ${escapeHtml(worst.against)})</span>`,
        ]
      : [];
  });
  return `<table class="grid cost"><thead>${head}</thead><tbody>${rows}</tbody></table>
<p class="muted">Each cell: what that kind of work costs on the host as a factor of its cost on <b>${escapeHtml(m.baseline)}</b> (x1.00 = the same, x2.00 = twice), with its ${Math.round((m.methodology.level ?? 0.95) * 100)}% interval; a category is the geometric mean of its workloads, with its own interval (as the overall index, over that category alone). Colour by size: grey = not shown to differ, green = cheaper, yellow to dark red = up to x1.1, x1.5, x3, x10 and beyond. – = not measured.</p>
${notes.length ? `<ul class="traps">${notes.join('')}</ul>` : ''}
${amp.length ? `<p>Noisy neighbour, worst p99 amplification within each host (with a neighbour against alone; not a factor against the baseline): ${amp.join('; ')}.</p>` : ''}
${agilityHtml(m)}`;
}

/** The first screen's agility and density table (src/report/agility.ts), when lifecycle files were given. */
function agilityHtml(m: ReportModel): string {
  if (!m.agility.length) return '';
  return `${htmlTable(
    agilityColumns((label) => `${swatch(m, label)}${escapeHtml(label)}`),
    m.agility,
    ' class="grid agility"',
  )}
<p class="muted">${escapeHtml(agilityNote(m.agility))}</p>`;
}

/** Every warning once, collapsed into one line with counts. */
function noticesHtml(m: ReportModel): string {
  if (m.notices.length === 0) return '';
  const items = m.notices
    .map(
      (n) => `<li>${escapeHtml(n.text)}${n.hosts.length ? ` <span class="muted">(${n.hosts.map(escapeHtml).join(', ')})</span>` : ''}</li>`,
    )
    .join('');
  return `<details class="notices"><summary>⚠ ${escapeHtml(noticeCounts(m.notices))}</summary><ul>${items}</ul></details>`;
}

function headlines(m: ReportModel): string {
  if (m.headlines.length === 0) return '<p>Only the baseline was given: nothing to compare.</p>';
  return m.headlines
    .map((h) => {
      const cov = coverageText(h.coverage);
      const partial = h.coverage.workloads < h.coverage.ofWorkloads;
      const overall = h.overall
        ? `${swatch(m, h.label)}<b>${escapeHtml(h.label)}</b> is ${interval(h.overall)} against <b>${escapeHtml(h.baseline)}</b> overall ${verdictTag(h.overallVerdict)} <span class="${partial ? 'warn' : 'muted'}">(${cov}${partial ? `: not comparable with a host measured on more` : ''})</span>.`
        : h.worst.length
          ? `${swatch(m, h.label)}<b>${escapeHtml(h.label)}</b>: no overall overhead (no compared workload weighs in it; <code>user.*</code> workloads count only when a profile weighs them).`
          : `${swatch(m, h.label)}<b>${escapeHtml(h.label)}</b>: no overall overhead (nothing compared).`;
      const capacity = h.capacity ? `<p class="capacity">${escapeHtml(h.capacity)}</p>` : '';
      const worst = h.worst.length
        ? `Worst: ${h.worst.map((w) => `<code>${escapeHtml(w.id)}</code> ${pct(w.overheadPct.point)} ${verdictTag(w.verdict)}`).join(', ')}.`
        : '';
      const same = h.same.length
        ? `The same (within ±${m.noisePct}%): ${h.same.map((w) => `<code>${escapeHtml(w.id)}</code>`).join(', ')}.`
        : `No workload is demonstrably the same.`;
      const counts = `${h.counts.slower} slower, ${h.counts.faster} faster, ${h.counts.same} same, ${h.counts.inconclusive} inconclusive${h.notCompared.length ? `, ${h.notCompared.length} not compared` : ''}.`;
      return `<div class="headline"><p>${overall}</p>${capacity}<p>${worst} ${same}</p><p class="muted">${counts}</p></div>`;
    })
    .join('\n');
}

function flags(h: HostCard): string {
  const f = (name: string, on: boolean) => `<span class="flag ${on ? 'on' : 'off'}">${name}${on ? '' : ' ✗'}</span>`;
  return [
    f('aes', h.crypto.aes),
    f('sha', h.crypto.sha),
    f('rdrand', h.crypto.rdrand),
    f('avx2', h.vector.avx2),
    f('avx512', h.vector.avx512),
  ].join(' ');
}

function hostCards(m: ReportModel): string {
  return m.hosts
    .map((h) => {
      const kind = [
        platformClassWords(h.platformClass),
        h.platform,
        h.hypervisor && `hypervisor ${h.hypervisor}`,
        h.container && `container ${h.container}`,
        h.cloud && `cloud ${h.cloud}`,
      ]
        .filter(Boolean)
        .join(' · ');
      const rows: [string, string][] = [
        ['host', escapeHtml(h.hostname)],
        ['platform', escapeHtml(kind)],
        ['CPU', `${escapeHtml(h.cpuModel)}, ${h.cores} cores / ${h.threads} threads${h.mhz ? `, ${Math.round(h.mhz)} MHz` : ''}`],
        ['crypto', flags(h)],
        ['clocksource', escapeHtml(h.clocksource ?? 'unknown')],
        ...(h.devices.storage ? ([['storage', escapeHtml(h.devices.storage)]] as [string, string][]) : []),
        ...(h.devices.network ? ([['network', escapeHtml(h.devices.network)]] as [string, string][]) : []),
        ['kernel', escapeHtml(h.kernel)],
        ['memory', `${h.memoryGiB.toFixed(1)} GiB, ${h.numaNodes} NUMA`],
        ['steal', h.stealPct === null ? 'unknown' : `${h.stealPct.toFixed(2)}%`],
        ...(h.lifecycle
          ? ([
              [
                'start',
                h.lifecycle.startMs === null ? 'not measured' : `${h.lifecycle.startMs.toFixed(1)} ms to the first program inside (median)`,
              ],
              [
                'memory / instance',
                h.lifecycle.memoryPerInstanceMiB === null
                  ? 'not measured'
                  : `${h.lifecycle.memoryPerInstanceMiB.toFixed(2)} MiB of host memory (PSS) per idle instance (median)`,
              ],
            ] as [string, string][])
          : []),
        [
          h.runs > 1 ? 'runs' : 'run',
          `${h.runs > 1 ? `${h.runs} replicate runs (the first: ` : ''}${escapeHtml(h.suite)}, ${h.rounds} rounds, seed ${h.seed}, ${h.workloadsOk} workloads ok${h.runs > 1 ? ')' : ''}`,
        ],
      ];
      const notOk = h.notOk.map((w) => `<li>${escapeHtml(w.id)} ${escapeHtml(w.status)}: ${escapeHtml(w.reason)}</li>`).join('');
      const warn = h.warnings.length
        ? `<li class="muted">${h.warnings.length} warning${h.warnings.length === 1 ? '' : 's'}: see <a href="#top-warnings">the warnings</a></li>`
        : '';
      const evidence = h.evidence.length
        ? `<details><summary>evidence</summary><ul>${h.evidence.map((e) => `<li>${escapeHtml(e)}</li>`).join('')}</ul></details>`
        : '';
      return `<div class="card${h.isBaseline ? ' baseline' : ''}"><h3>${swatch(m, h.label)}${escapeHtml(h.label)}${h.isBaseline ? ' <small>(baseline)</small>' : ''}</h3><table>${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</table>${warn ? `<ul>${warn}</ul>` : ''}${notOk ? `<details><summary>${h.notOk.length} not run</summary><ul>${notOk}</ul></details>` : ''}${evidence}</div>`;
    })
    .join('\n');
}

function charts(specs: NamedSpec[]): string {
  return specs
    .map(
      (c) =>
        `<figure><figcaption>${escapeHtml(c.title)}</figcaption><div class="chart" id="chart-${c.name}" data-chart="${c.name}"></div></figure>`,
    )
    .join('\n');
}

function comparisonTables(m: ReportModel): string {
  return m.headlines
    .map((h) => {
      const rows: WorkloadTableRow[] = [...m.forest.filter((r) => r.host === h.label), ...h.notCompared];
      return `<details><summary>${escapeHtml(h.label)} against ${escapeHtml(h.baseline)}</summary>${htmlTable(WORKLOAD_TABLE, rows, ' class="grid"')}</details>`;
    })
    .join('\n');
}

function noiseTable(m: ReportModel): string {
  const ratio = (e: Estimate | null) => (e ? `×${num(e.point)} <span class="ci">[${num(e.lo)}, ${num(e.hi)}]</span>` : '–');
  const rows = m.hostNoise
    .map(
      (n) =>
        `<tr><td>${escapeHtml(n.host)}</td><td class="n">${num(n.medianCvPct)}%</td><td class="n">${num(n.medianTail)}</td><td class="n">${n.stealPct === null ? '–' : `${num(n.stealPct)}%`}</td><td class="n">${ratio(n.cvRatio)}</td><td class="n">${ratio(n.tailRatio)}</td></tr>`,
    )
    .join('');
  return `<table class="grid"><thead><tr><th>host</th><th>median CV</th><th>median p99/p50</th><th>steal</th><th>CV vs baseline</th><th>tail vs baseline</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/**
 * Noisy neighbours: one summary line per host (the worst tail amplification and slowdown, and the steal
 * seen), the full measurement table collapsed underneath; rows that say nothing (steal 0.00) stay there.
 */
function noisyTable(m: ReportModel): string {
  if (m.noisy.length === 0) return '<p class="muted">No noisy-neighbor workloads (<code>noisy.*</code>) in these results.</p>';
  const worst = (rows: typeof m.noisy) => rows.reduce<(typeof m.noisy)[number] | null>((a, b) => (!a || b.value > a.value ? b : a), null);
  const hosts = [...new Set(m.noisy.map((n) => n.host))];
  const summary = hosts
    .map((host) => {
      const mine = m.noisy.filter((n) => n.host === host);
      const amp = worst(mine.filter((n) => n.metric === 'tail amplification'));
      const slow = worst(mine.filter((n) => n.metric === 'slowdown'));
      const steal = worst(mine.filter((n) => n.metric === 'steal %'));
      const cell = (n: typeof amp, suffix = '') =>
        n ? `${num(n.value)}${suffix} <span class="muted">(<code>${escapeHtml(n.victim)}</code> vs ${escapeHtml(n.against)})</span>` : '–';
      return `<tr><td>${swatch(m, host)}${escapeHtml(host)}</td><td class="n">${cell(amp, '×')}</td><td class="n">${cell(slow, '×')}</td><td class="n">${steal && steal.value > 0 ? cell(steal, '%') : 'none'}</td><td class="n">${mine.length}</td></tr>`;
    })
    .join('');
  const rows = m.noisy
    .map(
      (n) =>
        `<tr><td>${escapeHtml(n.host)}</td><td><code>${escapeHtml(n.id)}</code></td><td>${escapeHtml(n.against)}</td><td>${escapeHtml(n.metric)}</td><td class="n">${num(n.value)}</td><td class="muted">${escapeHtml(n.source)}</td></tr>`,
    )
    .join('');
  return `<table class="grid"><thead><tr><th>host</th><th>worst tail amplification</th><th>worst slowdown</th><th>steal under load</th><th>measurements</th></tr></thead><tbody>${summary}</tbody></table><details><summary>all ${m.noisy.length} measurements</summary><table class="grid"><thead><tr><th>host</th><th>workload</th><th>neighbor</th><th>measure</th><th>value</th><th>from</th></tr></thead><tbody>${rows}</tbody></table></details>`;
}

/** The advice section; exported so `compare --html` or the collector could reuse it. */
export function adviceHtml(a: Advice): string {
  const p = a.profile;
  const unit = p.costUnit ? ` ${escapeHtml(p.costUnit)}` : '';
  const rows = a.ranking
    .map((label, i) => {
      const h = a.hosts.find((x) => x.label === label);
      if (!h) return '';
      return `<tr${h.disqualified.length ? ' class="out"' : ''}><td>${i + 1}</td><td>${escapeHtml(h.label)}${h.isBaseline ? ' (baseline)' : ''}</td><td class="n">${h.isBaseline ? 'reference' : h.overheadPct ? interval(h.overheadPct) : '–'}</td><td class="n">${h.tailInflationPct === null || h.isBaseline ? '–' : pct(h.tailInflationPct)}</td><td class="n">${h.hostsNeeded ? `${h.hostsNeeded.point} <span class="ci">[${h.hostsNeeded.lo}, ${h.hostsNeeded.hi}]</span>` : '–'}</td><td class="n">${h.fleetCost ? `${h.fleetCost.point.toLocaleString('en-US')}${unit}` : '–'}</td><td><ul>${[...(h.coverage.missing.length && !h.isBaseline ? [`not measured: ${h.coverage.missing.map((x) => `${x.name} (weight ${x.weight})`).join(', ')}`] : []), ...h.security.notes, ...h.disqualified.map((d) => `ruled out: ${d}`)].map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul></td></tr>`;
    })
    .join('');
  const rec = a.recommendation
    ? `<p class="rec">Recommendation: <b>${escapeHtml(a.recommendation.label)}</b></p><ul>${a.recommendation.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>`
    : '<p class="rec">No recommendation: no host meets the profile\'s constraints.</p>';
  const weights = p.weights
    ? Object.entries(p.weights)
        .map(([k, v]) => `${escapeHtml(k)} ${v}`)
        .join(', ')
    : `resembles ${escapeHtml((p.resembles ?? []).join(', '))}`;
  return `<p>Profile <b>${escapeHtml(p.name)}</b>${p.description ? `: ${escapeHtml(p.description)}` : ''} (${weights}; ${p.fleetSize} hosts of ${escapeHtml(a.baseline)} today${p.latencySensitive ? `; latency-sensitive${p.p99BudgetPct !== undefined ? `, p99 budget ${p.p99BudgetPct}%` : ''}` : ''}${p.sensitiveData ? '; sensitive data' : ''}).</p>${rec}<table class="grid"><thead><tr><th>#</th><th>host</th><th>weighted overhead</th><th>p99</th><th>hosts needed</th><th>fleet cost</th><th>trade-offs</th></tr></thead><tbody>${rows}</tbody></table>${a.notes.map((n) => `<p class="muted">${escapeHtml(n)}</p>`).join('')}`;
}

function methodology(m: ReportModel): string {
  const me = m.methodology;
  const methods =
    Object.entries(me.intervalMethods)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none';
  const per = me.perHost
    .map(
      (h) =>
        `<tr><td>${escapeHtml(h.label)}</td><td>${escapeHtml(h.suite)}</td><td class="n">${h.rounds}</td><td class="n">${h.seed}</td><td>${escapeHtml(h.tool)}</td><td>${escapeHtml(h.node)}</td><td>${escapeHtml(h.startedAt)}</td></tr>`,
    )
    .join('');
  return `<ul>
<li>Baseline: <b>${escapeHtml(m.baseline)}</b>; every other host is compared against it.</li>
<li>Noise threshold δ = ${me.noisePct}%; significance level α = ${me.alpha ?? '–'}; interval level ${me.level === null ? '–' : `${Math.round(me.level * 100)}%`}.</li>
<li>Bootstrap: ${me.resamples ?? '–'} resamples, seed ${me.seed ?? '–'}; interval methods used: ${escapeHtml(methods)}.</li>
${me.tests.map((t) => `<li>${escapeHtml(t)}</li>`).join('\n')}
<li>Verdict: ${escapeHtml(me.verdictRule)}</li>
</ul>
<table class="grid"><thead><tr><th>host</th><th>suite</th><th>rounds</th><th>run seed</th><th>tool</th><th>node</th><th>started</th></tr></thead><tbody>${per}</tbody></table>
<p class="muted">Reproduce with the same results files: <code>virtax report FILES... --baseline ${escapeHtml(m.baseline)} --noise ${me.noisePct}%${me.seed !== null ? ` --seed ${me.seed}` : ''}${me.resamples !== null ? ` --resamples ${me.resamples}` : ''}</code></p>`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1200px;padding:1rem 1.5rem;color:#1c2833}
h1{font-size:1.5rem}h2{border-bottom:1px solid #d5d8dc;padding-bottom:.2rem;margin-top:2rem}
.muted{color:#717d7e}.ci{color:#717d7e;font-size:.9em}.warn{color:#a04000}
.verdict{border-radius:3px;padding:0 .35em;font-size:.85em;color:#fff}.v-slower{background:#c0392b}.v-faster{background:#1e8449}.v-same{background:#7f8c8d}.v-inconclusive{background:#d68910}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:.8rem}
.card{border:1px solid #d5d8dc;border-radius:6px;padding:.5rem .8rem}.card.baseline{border-color:#2e86c1}.card h3{margin:.2rem 0 .4rem}
.card table th{text-align:left;font-weight:normal;color:#717d7e;padding-right:.6rem;vertical-align:top}
.flag{font-family:monospace;font-size:.85em;padding:0 .25em;border-radius:3px}.flag.on{background:#d5f5e3}.flag.off{background:#fadbd8}
.headline{border-left:4px solid #2e86c1;padding:.1rem .8rem;margin:.6rem 0}.headline p{margin:.25rem 0}.capacity{font-weight:600}
.swatch{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.35em;vertical-align:-.05em}
table.grid{border-collapse:collapse;margin:.5rem 0}table.grid th,table.grid td{border-bottom:1px solid #eaeded;padding:.2rem .5rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}tr.out{opacity:.6}table.grid ul{margin:0;padding-left:1rem}
figure{margin:1rem 0}figcaption{font-weight:bold;margin-bottom:.3rem}.chart{overflow-x:auto}
.rec{font-size:1.1rem}
table.cost{width:100%}table.cost td,table.cost th{padding:.25rem .45rem}table.cost .class{font-size:.82em;color:#566573}table.cost td.n{font-weight:600;text-align:center}table.cost th.n{text-align:center}table.cost td.who{min-width:15rem}
table.cost .ci{font-weight:normal;font-size:.82em}
.f-same{background:#f2f3f4}.f-better{background:#d5f5e3}.f-worse-1{background:#fef9e7}.f-worse-2{background:#fdebd0}.f-worse-3{background:#f8c471}.f-worse-4{background:#e67e22;color:#fff}.f-worse-5{background:#922b21;color:#fff}
.f-worse-4 .ci,.f-worse-5 .ci{color:#fdfefe}
.notices summary{cursor:pointer;color:#a04000}.notices ul{font-size:.9em}.traps{font-size:.92em;padding-left:1.1rem}.traps li{margin:.2rem 0}`;

const BOOT = `(function(){
  var charts = JSON.parse(document.getElementById('virtax-charts').textContent);
  charts.forEach(function (c) {
    var el = document.getElementById('chart-' + c.name);
    if (!el) return;
    vegaEmbed(el, c.spec, { renderer: 'svg', actions: false }).then(function () {
      el.setAttribute('data-rendered', 'true');
    }).catch(function (e) {
      el.setAttribute('data-rendered', 'error');
      el.textContent = 'This chart could not be drawn: ' + e.message;
      console.error(e);
    });
  });
})();`;

/** Render the report as one self-contained HTML document. */
/** The report page; `lead` is HTML placed first under the title (the gate's outcome on `gate --html`). */
export function renderReport(model: ReportModel, specs: NamedSpec[] = reportSpecs(model), lead = ''): string {
  const chartData = specs.map((s) => ({ name: s.name, spec: s.spec }));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:; font-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="virtax ${escapeHtml(model.toolVersion)}">
<title>${escapeHtml(model.title)}</title>
<style>${CSS}</style>
</head><body>
<h1>${escapeHtml(model.title)}</h1>
<p class="muted">Generated ${escapeHtml(model.generatedAt)} by virtax ${escapeHtml(model.toolVersion)}. Baseline: <b>${escapeHtml(model.baseline)}</b>. Positive overhead means slower than the baseline.</p>
${lead}
<div id="top-warnings">${noticesHtml(model)}</div>
<h2 id="cost">What each platform costs each kind of work</h2>
${firstScreen(model)}
<h2 id="headline">Headline</h2>
${headlines(model)}
${model.advice ? `<h2 id="advice">Placement advice</h2>\n${adviceHtml(model.advice)}` : ''}
<h2 id="hosts">Hosts</h2>
<div class="cards">${hostCards(model)}</div>
<h2 id="charts">Charts</h2>
<p class="muted">Shaded band: the noise threshold ±${model.noisePct}%. Colour: the host (the same in every chart and beside its name above). Shape: the verdict (▶ slower, ◀ faster, ● same, ◆ inconclusive). Per-workload overheads use a log-ratio axis labelled in percent; an interval that runs off it ends in a dark arrow.</p>
${charts(specs)}
<h2 id="comparisons">Per-workload comparisons</h2>
${comparisonTables(model)}
<h2 id="noise">Noise</h2>
${noiseTable(model)}
<h2 id="noisy-neighbor">Noisy neighbors</h2>
${noisyTable(model)}
<h2 id="methodology">Methodology</h2>
${methodology(model)}
${chartLibraries()}
<script type="application/json" id="virtax-charts">${jsonForScript(chartData)}</script>
<script>${BOOT}</script>
</body></html>
`;
}
