/** Plain-text tables for the terminal. Returns a string; the caller decides where it goes. */
import { stripAnsi, visibleLength } from './format.js';

export type Align = 'left' | 'right';

export interface TableOptions {
  /** Fit the table into this many columns by cutting the widest columns' cells (with …); null: no limit. */
  maxWidth?: number | null;
  /** Columns that may be cut (default: every column but the first); numbers and intervals should not be. */
  shrink?: number[];
}

/** A plain-text table; cells may carry ANSI colour (widths count what the terminal shows). */
export function formatTable(headers: string[], rows: string[][], align: Align[] = [], opts: TableOptions = {}): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const total = () => widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  const max = opts.maxWidth ?? null;
  if (max !== null) {
    // Shrink the widest column (never the first, the id) one step at a time, down to 8 columns each.
    while (total() > max) {
      let widest = -1;
      widths.forEach((w, i) => {
        const may = opts.shrink ? opts.shrink.includes(i) : i > 0;
        if (may && w > 8 && (widest < 0 || w > (widths[widest] ?? 0))) widest = i;
      });
      if (widest < 0) break;
      widths[widest] = Math.max(8, (widths[widest] ?? 0) - Math.max(1, total() - max));
    }
  }
  const fit = (s: string, i: number) => {
    const w = widths[i] ?? 0;
    if (visibleLength(s) <= w) return s;
    return `${stripAnsi(s).slice(0, w - 1)}…`;
  };
  const cell = (raw: string, i: number) => {
    const s = fit(raw, i);
    const pad = ' '.repeat(Math.max(0, (widths[i] ?? 0) - visibleLength(s)));
    return (align[i] ?? 'left') === 'right' ? pad + s : s + pad;
  };
  const line = (r: string[]) => r.map(cell).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A number with about 4 significant digits, without exponent notation for everyday magnitudes. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a === 0) return '0';
  if (a >= 1e6) return x.toExponential(3);
  if (a >= 1000) return x.toFixed(0);
  if (a >= 100) return x.toFixed(1);
  if (a >= 10) return x.toFixed(2);
  if (a >= 1) return x.toFixed(3);
  if (a >= 1e-3) return x.toPrecision(4);
  return x.toExponential(3);
}
