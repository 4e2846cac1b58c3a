/**
 * `virtax calibrate`'s terminal output from a calibration file (schema/calibration.v1.json): one row per workload
 * (noise per level, false verdicts between the A/A runs, what a comparison of the budget detects) and the
 * headline in words. Returns strings; the CLI prints them.
 */
import type { CalibrationFile } from '../stats/calibrate.js';
import { formatTable } from './table.js';

const pct = (x: number | null, digits = 1) => (x === null ? '-' : `${x.toFixed(digits)}%`);
const minutes = (m: number) => (Number.isInteger(m) ? String(m) : m.toFixed(1));

/** The table: one row per workload, calibrated or not. */
export function calibrationTable(f: CalibrationFile, maxWidth: number | null = null): string {
  const b = f.settings.budgetMinutes;
  const headers = [
    'workload',
    'unit',
    'batch',
    'round',
    'run',
    'false verdicts',
    `${f.duelPairs ? f.duelPairs.mode : 'duel'} ${minutes(b)} min`,
    `runs 1+1, ${minutes(b / 2)} min each`,
    'runs for duel',
    'gate max',
  ];
  const rows = f.workloads.map((w) => {
    if (w.status !== 'calibrated') return [w.id, '', '', '', '', '', `not calibrated: ${w.reason}`, '', '', ''];
    const d = w.detectable;
    const fv = w.falseVerdicts;
    return [
      w.id,
      w.unit,
      pct(w.noise.batchPct),
      pct(w.noise.roundPct),
      pct(w.noise.runPct),
      fv.comparisons ? `${fv.slower + fv.faster}/${fv.comparisons}` : '-',
      d.duel.mdePct === null ? `- (${d.duel.pairs} pairs)` : `${pct(d.duel.mdePct)} (${d.duel.pairs} pairs)`,
      d.runs.mdePct === null ? '-' : `${pct(d.runs.mdePct)} (${d.runs.roundsPerRun} rounds)`,
      d.runsForDuelMde === null ? (d.duel.mdePct === null ? '-' : '>100') : `${d.runsForDuelMde} x ${minutes(b / 2)} min a side`,
      pct(d.gateMaxRegressionPct),
    ];
  });
  const align = headers.map((_, i) => (i >= 2 && i !== 6 && i !== 7 && i !== 8 ? 'right' : 'left') as 'left' | 'right');
  const notes = [
    'noise: SD of ln(figure) between batches of a round, rounds of a run, and runs (beyond the rounds), in percent',
    `false verdicts: slower/faster between two A/A runs compared one run per side; detectable: the effect called slower with ${Math.round(100 * f.settings.power)}% power (alpha ${f.settings.alpha}, noise threshold ${f.settings.noisePct}%)`,
  ];
  return `${formatTable(headers, rows, align, { maxWidth, shrink: [6] })}\n${notes.join('\n')}`;
}

/** The headline: what a comparison of the budget detects here, in one or two sentences. */
export function calibrationHeadline(f: CalibrationFile): string {
  const b = minutes(f.settings.budgetMinutes);
  const cal = f.workloads.flatMap((w) => (w.status === 'calibrated' ? [w] : []));
  if (cal.length === 0) return 'no workload could be calibrated (each needs 2 or more runs that measured it)';
  const duel = cal.filter((w) => w.detectable.duel.mdePct !== null).map((w) => `${pct(w.detectable.duel.mdePct)} on ${w.id}`);
  const parts: string[] = [];
  if (duel.length) parts.push(`a ${b}-minute ${f.duelPairs ? `${f.duelPairs.mode} ` : ''}duel detects ${duel.join(', ')} here`);
  else parts.push(`a ${b}-minute duel runs fewer than 6 pairs of these workloads: no verdict; give it more minutes`);
  const runs = cal
    .filter((w) => w.detectable.duel.mdePct !== null)
    .map((w) =>
      w.detectable.runsForDuelMde === null
        ? `more than 100 for ${w.id}`
        : `${w.detectable.runsForDuelMde} x ${minutes(f.settings.budgetMinutes / 2)} minutes a side for ${pct(w.detectable.duel.mdePct)} on ${w.id}`,
    );
  if (runs.length) parts.push(`separate runs need ${runs.join(', ')}`);
  const loads = f.runs.flatMap((r) => [r.loadAvg1Start, r.loadAvg1End]).filter((x): x is number => x !== null);
  const load = loads.length
    ? `; load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} during the runs (a calibration holds for that load)`
    : '';
  return `${parts.join('; ')}${load}`;
}
