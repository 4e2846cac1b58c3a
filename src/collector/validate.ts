/**
 * What the collector checks on an upload before anything is written, beyond the results JSON Schema:
 *
 *   - nesting depth and counts (workloads, rounds per workload, samples per round, elements of any array,
 *     keys of any object), scanned on the raw bytes as they arrive, before JSON.parse (JsonShapeScanner): a
 *     16 MB body of `[`, 5,000-deep params, 7.5 million samples or a million keys is refused at the first
 *     element over the limit, without being parsed or even read to its end;
 *   - every number finite (JSON.parse turns `1e999` into Infinity, which JSON.stringify stores as null);
 *   - string lengths (a 5 MB hostname would make every listing row 5 MB) and, in the fields listings and
 *     charts show, no control characters and no U+2028/U+2029 line separators;
 *   - the dates the server parses (startedAt, finishedAt): strict ISO 8601 with a real calendar time, so
 *     a leap second (`23:59:60`) or `2026-02-30` is a 422 instead of a 500 after the write, and in the
 *     years 1970-9999 once the offset is applied (`9999-12-31T23:59:59-23:59` would be stored as year
 *     +010000 and sort before every other result);
 *   - labels and host names: not empty, well-formed Unicode (a lone surrogate cannot be queried back), and
 *     no invisible or reordering characters (bidi controls, zero-width characters, the BOM) that would let
 *     one label pass for another in a listing.
 *
 * The limits derive from what `virtax run` can write: a `full` round times at most 50,000 batches (one
 * sample each, src/probes/engine/suites.ts), `--rounds` goes to 1,000, a run has a few dozen workloads. They are
 * listed in docs/collector.md and in schema/results.v1.json (maxItems).
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
  /** Most workloads in one file (default 1,000; the built-in suite has a few dozen). */
  maxWorkloads: number;
  /** Most rounds of one workload (default 1,000: `--rounds` goes to 1,000). */
  maxRounds: number;
  /** Most samples (timed batches) in one round (default 50,000: a `full` round's maxBatches). */
  maxSamples: number;
  /** Most elements of any other array (default 50,000). */
  maxArrayItems: number;
  /** Most keys of any object (default 1,000). */
  maxKeys: number;
}

export const DEFAULT_SHAPE_LIMITS: ShapeLimits = {
  maxDepth: 32,
  maxStringLength: 4096,
  maxFieldLength: 200,
  maxWorkloads: 1000,
  maxRounds: 1000,
  maxSamples: 50_000,
  maxArrayItems: 50_000,
  maxKeys: 1000,
};

const OPEN_SQUARE = 0x5b;
const OPEN_CURLY = 0x7b;
const CLOSE_SQUARE = 0x5d;
const CLOSE_CURLY = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const COMMA = 0x2c;

/** Where a container sits in a results file: the arrays whose counts have their own limit. */
type Role = 'root' | 'workloads' | 'workload' | 'rounds' | 'round' | 'samples' | 'other';

interface Frame {
  array: boolean;
  role: Role;
  /** Most elements (or keys) it may hold. */
  limit: number;
  /** Separators seen at this level: elements (or keys) so far are count + 1 once one has started. */
  count: number;
  /** Objects: the next string is a key. */
  expectKey: boolean;
  /** Objects: the last key read (decoded, at most 64 bytes of it), naming the next value. */
  key: string;
  /** Key or index of this container in its parent, for the message. */
  at: string;
}

/** A body refused by the scan: `depth` is malformed JSON (400), `count` a body over the count limits (413). */
export interface ShapeProblem {
  kind: 'depth' | 'count';
  message: string;
}

/**
 * Scans JSON text chunk by chunk as it arrives, without parsing it, and stops at the first container nested
 * deeper than `maxDepth` or holding more elements (or keys) than its limit: `/workloads`, each workload's
 * `rounds`, each round's `samples`, any other array, any object. The work is a loop over the bytes; nothing
 * is built, so a hostile body costs what reading it costs, and is refused at the first element over a limit.
 * Syntax is not checked here (JSON.parse does that afterwards); on valid JSON the counts are exact.
 */
export class JsonShapeScanner {
  private readonly stack: Frame[] = [];
  private inString = false;
  private escaped = false;
  /** Raw bytes of the key being read (null: not reading a key, or it is too long to be a role name). */
  private keyBytes: number[] | null = null;
  private problem: ShapeProblem | null = null;

  constructor(private readonly limits: ShapeLimits = DEFAULT_SHAPE_LIMITS) {}

  /** Scan the next chunk; the first problem (then and on every later call), or null. */
  push(chunk: Uint8Array): ShapeProblem | null {
    if (this.problem) return this.problem;
    const stack = this.stack;
    // State in locals for the byte loop (this is the one pass over every byte of an upload).
    let inString = this.inString;
    let escaped = this.escaped;
    let top = stack[stack.length - 1];
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const c = chunk[i] as number;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) {
          inString = false;
          if (this.keyBytes) this.endKey(top);
          continue;
        }
        if (this.keyBytes) {
          if (this.keyBytes.length < 64) this.keyBytes.push(c);
          else this.keyBytes = null;
        }
      } else if (c === COMMA) {
        if (!top) continue;
        if (++top.count >= top.limit) {
          this.inString = inString;
          this.escaped = escaped;
          return (this.problem = this.countProblem(top));
        }
        if (!top.array) top.expectKey = true;
      } else if (c === QUOTE) {
        inString = true;
        if (top && top.expectKey) {
          top.expectKey = false;
          this.keyBytes = [];
        }
      } else if (c === OPEN_SQUARE || c === OPEN_CURLY) {
        if (stack.length >= this.limits.maxDepth) {
          this.inString = inString;
          this.escaped = escaped;
          return (this.problem = { kind: 'depth', message: `JSON nested deeper than ${this.limits.maxDepth} levels` });
        }
        const array = c === OPEN_SQUARE;
        const role = roleOf(top, array);
        top = {
          array,
          role,
          limit: this.limitOf(array, role),
          count: 0,
          expectKey: !array,
          key: '',
          at: top ? (top.array ? String(top.count) : top.key) : '',
        };
        stack.push(top);
      } else if (c === CLOSE_SQUARE || c === CLOSE_CURLY) {
        stack.pop();
        top = stack[stack.length - 1];
      }
    }
    this.inString = inString;
    this.escaped = escaped;
    return null;
  }

  /** A container reached its limit at a separator: one more element (or key) is starting. */
  private countProblem(top: Frame): ShapeProblem {
    const what = top.array ? 'elements' : 'keys';
    const path = this.stack.map((f) => f.at).join('/') || '(top level)';
    return {
      kind: 'count',
      message: `${path} holds more than ${top.limit.toLocaleString('en-US')} ${what} (the limit for ${describeRole(top)}; see docs/collector.md)`,
    };
  }

  private endKey(top: Frame | undefined): void {
    const raw = Buffer.from(this.keyBytes as number[]).toString('utf8');
    this.keyBytes = null;
    let key = raw;
    if (raw.includes('\\')) {
      try {
        key = JSON.parse(`"${raw}"`) as string;
      } catch {
        key = '';
      }
    }
    if (top) top.key = key;
  }

  private limitOf(array: boolean, role: Role): number {
    if (!array) return this.limits.maxKeys;
    switch (role) {
      case 'workloads':
        return this.limits.maxWorkloads;
      case 'rounds':
        return this.limits.maxRounds;
      case 'samples':
        return this.limits.maxSamples;
      default:
        return this.limits.maxArrayItems;
    }
  }
}

function roleOf(parent: Frame | undefined, array: boolean): Role {
  if (!parent) return array ? 'other' : 'root';
  if (parent.array) {
    if (!array && parent.role === 'workloads') return 'workload';
    if (!array && parent.role === 'rounds') return 'round';
    return 'other';
  }
  if (!array) return 'other';
  if (parent.role === 'root' && parent.key === 'workloads') return 'workloads';
  if (parent.role === 'workload' && parent.key === 'rounds') return 'rounds';
  if (parent.role === 'round' && parent.key === 'samples') return 'samples';
  return 'other';
}

function describeRole(f: Frame): string {
  if (!f.array) return 'an object';
  switch (f.role) {
    case 'workloads':
      return 'workloads';
    case 'rounds':
      return "one workload's rounds";
    case 'samples':
      return "one round's samples";
    default:
      return 'an array';
  }
}

/** The first depth or count problem of a whole JSON text, or null (stored files, `--import`). */
export function scanJsonShape(body: Uint8Array, limits: ShapeLimits = DEFAULT_SHAPE_LIMITS): ShapeProblem | null {
  return new JsonShapeScanner(limits).push(body);
}

/** Characters that break a listing line or a chart's generated script: C0/C1 controls, U+2028, U+2029. */
const UNSAFE_IN_FIELD = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Walk parsed JSON iteratively (no recursion: depth is already bounded, but a wide tree must not cost
 * stack either) and return the first non-finite number or over-long string, with its path.
 */
export function findUnsafeValue(data: unknown, limits: ShapeLimits = DEFAULT_SHAPE_LIMITS): string | null {
  // Paths are built only for the value reported: [value, parent entry, key] (a string per element would
  // cost more than the walk itself on a file of millions of samples).
  type Entry = [unknown, Entry | null, string];
  const pathOf = (e: Entry): string => {
    const parts: string[] = [];
    for (let x: Entry | null = e; x && x[1]; x = x[1]) parts.push(x[2]);
    return parts.length ? `/${parts.reverse().join('/')}` : '(top level)';
  };
  const stack: Entry[] = [[data, null, '']];
  while (stack.length > 0) {
    const e = stack.pop() as Entry;
    const v = e[0];
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return `${pathOf(e)} must be a finite number (got a value too large to store)`;
    } else if (typeof v === 'string') {
      if (v.length > limits.maxStringLength) return `${pathOf(e)} is longer than ${limits.maxStringLength} characters`;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        const x: unknown = v[i];
        // Finite numbers, the bulk of a results file, need no entry of their own.
        if (typeof x === 'number' && Number.isFinite(x)) continue;
        stack.push([x, e, String(i)]);
      }
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        if (k.length > limits.maxFieldLength) return `${e[1] ? pathOf(e) : ''}: a key is longer than ${limits.maxFieldLength} characters`;
        stack.push([x, e, k]);
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
  return Number.isFinite(t) && t >= EARLIEST_TIME && t < AFTER_LATEST_TIME ? t : null;
}

/** Times are stored normalised to UTC (`toISOString`), which has four-digit years only from 1970 to 9999. */
const EARLIEST_TIME = Date.UTC(1970, 0, 1);
const AFTER_LATEST_TIME = Date.UTC(10000, 0, 1);

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Characters that make one label look like another or hide part of it: bidi marks, embeddings, overrides
 * and isolates (U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069), zero-width characters and joiners
 * (U+200B-U+200D, U+2060-U+2064), the BOM (U+FEFF), and the soft hyphen (U+00AD).
 */
const INVISIBLE = /[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

/**
 * Why a label or host name cannot be stored, or null: the rule the collector applies to uploads and
 * `virtax run --label` applies before a run. Not empty, at most `maxLength` characters, well-formed Unicode
 * (a lone surrogate is stored as U+FFFD by a database and can never be queried back), no control
 * characters or line separators, no invisible or reordering characters.
 */
export function nameProblem(v: string, maxLength = DEFAULT_SHAPE_LIMITS.maxFieldLength): string | null {
  if (v.trim() === '') return 'is empty';
  if (v.length > maxLength) return `is longer than ${maxLength} characters`;
  if (LONE_SURROGATE.test(v)) return 'is not well-formed Unicode (a lone surrogate)';
  if (UNSAFE_IN_FIELD.test(v)) return 'contains a control character or line separator';
  if (INVISIBLE.test(v)) return 'contains an invisible or text-direction character (zero-width, bidi control or BOM)';
  return null;
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
      return `/${key} must be an ISO 8601 time like 2026-11-25T10:00:00Z with seconds 00-59, in the years 1970-9999 in UTC (got ${JSON.stringify(String(v).slice(0, 40))})`;
    }
  }
  for (const [path, v] of [
    ['/label', file.label],
    ['/host/hostname', file.host.hostname],
  ] as const) {
    const why = typeof v === 'string' ? nameProblem(v, limits.maxFieldLength) : null;
    if (why) return `${path} ${why}`;
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
    if (LONE_SURROGATE.test(v)) return `${path} is not well-formed Unicode (a lone surrogate)`;
  }
  return null;
}
