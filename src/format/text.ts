/**
 * The one format kit for text output: signed percentages (one precision rule for compare, gate, duel,
 * report and advise), verdict colours for terminals, and the terminal width tables fit into.
 * Pure except `colourFor`/`terminalWidth`, which read a stream and the environment the caller passes.
 */

/** A signed percentage with `digits` decimals at every magnitude: +10.2%, -0.4%, +102.7%, 0.0%. */
export function signedPct(x: number, digits = 1): string {
  if (!Number.isFinite(x)) return String(x);
  const s = x.toFixed(digits);
  const zero = Number(s) === 0;
  return `${x > 0 && !zero ? '+' : ''}${zero ? (0).toFixed(digits) : s}%`;
}

/** A signed number with `digits` decimals, no sign where it rounds to zero: +4.1, -0.4, 0.0 (never -0.0). */
export function signedNumber(x: number, digits = 1): string {
  return signedPct(x, digits).slice(0, -1);
}

/** A signed whole count, as extra hosts are written: +3, +0, -2. */
export function signedCount(n: number): string {
  return `${n >= 0 ? '+' : ''}${n}`;
}

/** "[+4.1%, +6.3%]" */
export function pctInterval(e: { lo: number; hi: number }, digits = 1): string {
  return `[${signedPct(e.lo, digits)}, ${signedPct(e.hi, digits)}]`;
}

/**
 * A cost factor (candidate over baseline; 1 = the same cost): `x1.04` below 10, `x32` from 10, `x1,524` from
 * 1,000, so a planner reads small and huge factors in one column.
 */
export function formatFactor(f: number): string {
  if (!Number.isFinite(f)) return `x${f}`;
  return `x${f < 9.995 ? f.toFixed(2) : Math.round(f).toLocaleString('en-US')}`;
}

/** "x32 [x26, x50]"; the point alone when lo = hi (the baseline's x1.00). */
export function factorInterval(e: { point: number; lo: number; hi: number }): string {
  return e.lo === e.hi && e.lo === e.point
    ? formatFactor(e.point)
    : `${formatFactor(e.point)} [${formatFactor(e.lo)}, ${formatFactor(e.hi)}]`;
}

/** ANSI styles the CLI uses. */
export type Style = 'red' | 'green' | 'yellow' | 'dim' | 'bold';
const CODES: Record<Style, [number, number]> = { red: [31, 39], green: [32, 39], yellow: [33, 39], dim: [2, 22], bold: [1, 22] };

/** A painter: `paint(text, style)`; the identity when colour is off. */
export type Paint = (text: string, style: Style | null) => string;

export const noColour: Paint = (text) => text;

export const ansi: Paint = (text, style) => {
  if (!style || !text) return text;
  const [on, off] = CODES[style];
  return `\u001b[${on}m${text}\u001b[${off}m`;
};

/**
 * Colour on a TTY only, and never with NO_COLOR set (https://no-color.org) or TERM=dumb; FORCE_COLOR
 * (non-empty, not 0) turns it on anywhere.
 */
export function colourFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Paint {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return noColour;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return ansi;
  if (!stream.isTTY || env.TERM === 'dumb') return noColour;
  return ansi;
}

/** The verdicts (src/stats/types.ts) and gate outcomes (src/gate/types.ts) a renderer colours: a closed set. */
export type Outcome = 'slower' | 'faster' | 'same' | 'inconclusive' | 'pass' | 'fail' | 'crashed' | 'missing' | 'ignored' | 'not-compared';

const OUTCOME_STYLE: Record<Outcome, Style | null> = {
  slower: 'red',
  fail: 'red',
  crashed: 'red',
  faster: 'green',
  pass: 'green',
  inconclusive: 'yellow',
  missing: 'yellow',
  same: 'dim',
  ignored: null,
  'not-compared': null,
};

/** The style of a verdict or gate outcome: worse red, better green, unsettled yellow, no change dim. */
export function verdictStyle(v: Outcome): Style | null {
  return OUTCOME_STYLE[v];
}

/** Columns of the terminal `stream` writes to; null off a terminal (then tables are not cut). */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv = process.env): number | null {
  const forced = Number(env.COLUMNS);
  if (Number.isInteger(forced) && forced > 20) return forced;
  return stream.isTTY && stream.columns ? stream.columns : null;
}

const ANSI_RE = /\u001b\[[0-9;]*m/g;

/** Length as the terminal shows it (ANSI colour codes take no room). */
export function visibleLength(s: string): number {
  return s.replace(ANSI_RE, '').length;
}

/** Remove ANSI colour codes. */
export function stripAnsi(s: string): string {
  return s.replace(ANSI_RE, '');
}
