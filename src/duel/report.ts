/** The duel's terminal table and its record file. Return strings; the caller decides where they go. */
import {
  ADDED_NOTE,
  formatAddedPerOp,
  formatKernelOverhead,
  hasAddedPerOp,
  hasKernel,
  ratioSentence,
  type TerminalOptions,
} from '../report/comparison-exporters.js';
import { noColour, signedPct as pct, verdictStyle } from '../format/text.js';
import { formatNumber, formatTable } from '../report/table.js';
import type { Comparison, RowComparison } from '../stats/types.js';
import type { DuelOutcome } from './duel.js';
import type { Isolation } from './duet.js';

/** One row per workload: both medians, B's overhead relative to A with its interval, the verdict. */
export function formatDuelTable(c: Comparison, opts: TerminalOptions = {}): string {
  const paint = opts.paint ?? noColour;
  // Kernel time per op (system CPU, without Node's user-space share) gets its own column where a row has it.
  const kernel = hasKernel(c);
  const added = hasAddedPerOp(c);
  const rows = c.rows.map((r) => {
    const cells = rowCells(r);
    if (kernel) cells.splice(6, 0, r.status === 'compared' && r.kernel ? formatKernelOverhead(r.kernel) : '');
    if (added) cells.splice(6, 0, r.status === 'compared' && r.addedPerOp ? formatAddedPerOp(r.addedPerOp) : '');
    return cells;
  });
  function rowCells(r: RowComparison): string[] {
    if (r.status !== 'compared') return [r.id, '', '', '', '', '', 'not compared', '', r.reason];
    const p = r.pValue < 0.001 ? '<0.001' : r.pValue.toFixed(3);
    return [
      r.id,
      r.unit,
      formatNumber(r.base.median),
      formatNumber(r.cand.median),
      paint(pct(r.overheadPct.point), verdictStyle(r.verdict)),
      `[${pct(r.overheadPct.lo)}, ${pct(r.overheadPct.hi)}]`,
      paint(r.verdict + (r.roundsToSettle ? ` (~${r.roundsToSettle} pairs)` : ''), verdictStyle(r.verdict)),
      String(r.base.rounds),
      `p=${p}, ${r.better} is better`,
    ];
  }
  const level = Math.round(c.settings.level * 100);
  const head = ['workload', 'unit', `A: ${c.base.label}`, `B: ${c.cand.label}`, 'B vs A', `${level}% interval`, 'verdict', 'pairs', ''];
  const align: ('left' | 'right')[] = ['left', 'left', 'right', 'right', 'right', 'right', 'left', 'right', 'left'];
  if (kernel) {
    head.splice(6, 0, 'kernel/op B vs A');
    align.splice(6, 0, 'right');
  }
  if (added) {
    head.splice(6, 0, 'added per op B - A');
    align.splice(6, 0, 'right');
  }
  const table = formatTable(head, rows, align, { maxWidth: opts.width ?? null, shrink: [head.length - 1] });
  const lines = [
    table,
    `positive = B is worse (slower); noise threshold ±${c.settings.noisePct}%; medians of round figures${kernel ? "; kernel/op = system CPU time per operation (the platform's cost without Node's share)" : ''}`,
  ];
  if (added) lines.push(ADDED_NOTE);
  const compared = c.rows.filter((r): r is Extract<RowComparison, { status: 'compared' }> => r.status === 'compared');
  for (const r of compared) lines.push(`  ${ratioSentence(r, c.base.label, c.cand.label, paint)}`);
  if (c.overall)
    lines.push(
      `overall (geometric mean, equal weight per category): ${pct(c.overall.overheadPct.point)} [${pct(c.overall.overheadPct.lo)}, ${pct(c.overall.overheadPct.hi)}]`,
    );
  // Why a verdict was withheld or an interval adjusted belongs in the table, not only in the JSON.
  const notes = c.rows.flatMap((r) =>
    r.status === 'compared' ? r.notes.filter((n) => !n.startsWith('paired: ')).map((n) => `  ${r.id}: ${n}`) : [],
  );
  if (notes.length) lines.push('notes:', ...notes);
  for (const d of c.envDiffs) lines.push(`differs: ${d.field}: A ${d.base} / B ${d.cand}`);
  for (const w of c.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

/** The duel's own record (duel.json): how it ran, in which order, and where the files are. */
export function duelRecord(
  o: DuelOutcome,
  extra: {
    commands: { a: string; b: string };
    files: Record<string, string>;
    rounds: unknown;
    plan: unknown;
    isolation?: Isolation | null;
  },
): string {
  return `${JSON.stringify(
    {
      schema: 'virtax.duel/v1',
      status: o.status,
      error: o.error,
      stopped: o.stopped,
      startedAt: o.a.startedAt,
      seconds: Math.round(o.seconds * 10) / 10,
      seed: o.a.config.seed,
      suite: o.a.config.suite,
      mode: o.mode,
      protocols: o.protocols,
      ...(o.mode === 'duet' ? { isolation: extra.isolation ?? null, interleavedInDuet: o.interleavedInDuet } : {}),
      rounds: extra.rounds,
      plan: extra.plan,
      sides: {
        a: { label: o.a.label, command: extra.commands.a, platform: o.a.host.platform },
        b: { label: o.b.label, command: extra.commands.b, platform: o.b.host.platform },
      },
      files: extra.files,
      pairs: o.pairs,
    },
    null,
    1,
  )}\n`;
}
