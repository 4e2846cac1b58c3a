/**
 * What the collector checks on an upload before anything is written, beyond the results JSON Schema:
 *
 *   - nesting depth, on the raw bytes before JSON.parse (a 16 MB body of `[` or 5,000-deep params would
 *     otherwise block the event loop or overflow the stack in the parser, the validator or JSON.stringify);
 *   - every number finite (JSON.parse turns `1e999` into Infinity, which JSON.stringify stores as null);
 *   - string lengths (a 5 MB hostname would make every listing row 5 MB) and, in the fields listings and
 *     charts show, no control characters and no U+2028/U+2029 line separators;
 *   - the dates the server parses (startedAt, finishedAt): strict ISO 8601 with a real calendar time, so
 *     a leap second (`23:59:60`) or `2026-02-30` is a 422 instead of a 500 after the write.
 *
 * Each check returns the first problem as one line, or null; the server answers 400/422 with it.
 */
import type { ResultsFile } from '../types.js';

export interface ShapeLimits {
  /** Deepest nesting of arrays and objects (default 32; a results file needs 7). */
  maxDepth: number;
  /** Longest string anywhere, in UTF-16 code units (default 4096). */
  maxStringLength: number;
  /** Longest label, hostname and other listed fields (default 200). */
  maxFieldLength: number;
}

export const DEFAULT_SHAPE_LIMITS: ShapeLimits = { maxDepth: 32, maxStringLength: 4096, maxFieldLength: 200 };

const OPEN_SQUARE = 0x5b;
const OPEN_CURLY = 0x7b;
const CLOSE_SQUARE = 0x5d;
const CLOSE_CURLY = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Nesting depth of JSON text, scanned without parsing; stops at `maxDepth + 1`. Strings are skipped. */
export function jsonDepthExceeds(body: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as number;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_SQUARE || c === OPEN_CURLY) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_SQUARE || c === CLOSE_CURLY) depth--;
  }
  return false;
}

/** Characters that break a listing line or a chart's generated script: C0/C1 controls, U+2028, U+2029. */
const UNSAFE_IN_FIELD = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Walk parsed JSON iteratively (no recursion: depth is already bounded, but a wide tree must not cost
 * stack either) and return the first non-finite number or over-long string, with its path.
 */
export function findUnsafeValue(data: unknown, limits: ShapeLimits = DEFAULT_SHAPE_LIMITS): string | null {
  const stack: Array<[unknown, string]> = [[data, '']];
  while (stack.length > 0) {
    const [v, path] = stack.pop() as [unknown, string];
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return `${path || '(top level)'} must be a finite number (got a value too large to store)`;
    } else if (typeof v === 'string') {
      if (v.length > limits.maxStringLength) return `${path || '(top level)'} is longer than ${limits.maxStringLength} characters`;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}/${i}`]);
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        if (k.length > limits.maxFieldLength) return `${path}: a key is longer than ${limits.maxFieldLength} characters`;
        stack.push([x, `${path}/${k}`]);
      }
    }
  }
  return null;
}

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A strict ISO 8601 date-time with a real calendar time: `2026-11-25T10:00:00Z`, with optional fraction and
 * offset. Rejects leap seconds (`:60`, which Date cannot hold), Feb 30, hour 24 and anything Date.parse
 * would guess at (`1`, `2026`, `Nov 25`). Returns the epoch milliseconds, or null.
 */
export function parseStrictIsoTime(s: string): number | null {
  const m = ISO_TIME.exec(s);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  const offset = m[8] as string;
  if (offset !== 'Z' && (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(4, 6)) > 59)) return null;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : null;
}

/**
 * Checks on a schema-valid results file: the fields the server parses or shows in listings. Returns the
 * first problem, or null.
 */
export function checkResultFields(file: ResultsFile, limits: ShapeLimits = DEFAULT_SHAPE_LIMITS): string | null {
  for (const key of ['startedAt', 'finishedAt'] as const) {
    const v = file[key];
    if (v === null && key === 'finishedAt') continue;
    if (typeof v !== 'string' || parseStrictIsoTime(v) === null) {
      return `/${key} must be an ISO 8601 time like 2026-11-25T10:00:00Z with seconds 00-59 (got ${JSON.stringify(String(v).slice(0, 40))})`;
    }
  }
  const listed: Array<[string, unknown]> = [
    ['/label', file.label],
    ['/host/hostname', file.host.hostname],
    ['/host/platform', file.host.platform],
    ['/host/hypervisor', file.host.hypervisor],
    ['/host/container', file.host.container],
    ...file.workloads.flatMap((w, i): Array<[string, unknown]> => [
      [`/workloads/${i}/id`, w.id],
      [`/workloads/${i}/title`, w.title],
      [`/workloads/${i}/unit`, w.status === 'ok' ? w.unit : undefined],
    ]),
  ];
  for (const [path, v] of listed) {
    if (typeof v !== 'string') continue;
    if (v.length > limits.maxFieldLength) return `${path} is longer than ${limits.maxFieldLength} characters`;
    if (UNSAFE_IN_FIELD.test(v)) return `${path} contains a control character or line separator`;
  }
  return null;
}
