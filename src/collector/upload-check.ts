/**
 * Everything the collector does with an upload's bytes before storing them, as one pure step: the shape scan
 * (depth and counts, validate.ts), JSON.parse, the id, finite numbers and string lengths, the JSON Schema, the
 * listed fields, then the stored form: canonical text, content hash and the columns a listing needs.
 *
 * The step hands back bytes and a few strings, never the parsed object, so it can run in a worker thread
 * (upload-worker.ts) for large bodies: the server's event loop then only moves bytes, and `/healthz` answers
 * while a 16 MB body is checked. Small bodies are checked in place (a worker round trip would cost more).
 */
import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import { asResultsFile } from '../results/io.js';
import type { ResultsFile } from '../types.js';
import { checkResultFields, DEFAULT_SHAPE_LIMITS, findUnsafeValue, scanJsonShape, type ShapeLimits } from './validate.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A checked result in the form the stores keep: its canonical text (UTF-8) and what the index holds. */
export interface PreparedResult {
  kind: 'prepared';
  /** Lower case. */
  id: string;
  /** `JSON.stringify(file)` plus a newline, as UTF-8: exactly what GET /api/v1/results/:id serves. */
  text: Uint8Array;
  /** contentHash of the file. */
  sha256: string;
  label: string;
  platform: string;
  hypervisor: string | null;
  host: string;
  /** Normalised to UTC `Z` form, so since/until compare as strings. */
  startedAt: string;
  finishedAt: string | null;
  workloads: number;
}

/** Reasons an upload's bytes are refused (labels of virtax_upload_rejections_total, see server.ts). */
export type CheckReason = 'too_large' | 'malformed_json' | 'bad_id' | 'schema_invalid';

export type UploadCheck =
  { ok: true; result: PreparedResult } | { ok: false; status: 400 | 413 | 422; reason: CheckReason; message: string };

/**
 * JSON with object keys sorted at every level: the same result in any key order gives the same text. The
 * same text as `JSON.stringify(value, replacer)` with a replacer that sorts each object's keys (what stored
 * hashes were made with), for JSON data, written out by hand so that an array of numbers (a round's samples:
 * millions of values) is one native JSON.stringify instead of a replacer call per element.
 */
export function sortedJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    if (value.every((x) => typeof x === 'number')) return JSON.stringify(value);
    return `[${value.map((x) => (x === undefined || typeof x === 'function' || typeof x === 'symbol' ? 'null' : sortedJson(x))).join(',')}]`;
  }
  const o = value as Record<string, unknown>;
  const parts: string[] = [];
  // The order an object built from the sorted keys enumerates them in: integer-like keys ("2", "10") first,
  // ascending, then the others as sorted.
  const sorted = Object.keys(
    Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, 0]),
    ),
  );
  for (const k of sorted) {
    const x = o[k];
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
    parts.push(`${JSON.stringify(k)}:${sortedJson(x)}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * Hash of a result's content, independent of key order and of the id's letter case (ids are stored lower
 * case), so re-sending the same result reformatted is a duplicate, not a conflict.
 */
export function contentHash(file: ResultsFile): string {
  return createHash('sha256')
    .update(sortedJson({ ...file, id: file.id.toLowerCase() }))
    .digest('hex');
}

/** The stored form of a valid results file (id lower-cased). */
export function prepareResult(uploaded: ResultsFile): PreparedResult {
  const id = uploaded.id.toLowerCase();
  const file = uploaded.id === id ? uploaded : { ...uploaded, id };
  return {
    kind: 'prepared',
    id,
    text: Buffer.from(`${JSON.stringify(file)}\n`),
    sha256: contentHash(file),
    label: file.label,
    platform: file.host.platform,
    hypervisor: file.host.hypervisor,
    host: file.host.hostname,
    startedAt: new Date(file.startedAt).toISOString(),
    finishedAt: file.finishedAt,
    workloads: file.workloads.length,
  };
}

/** A file or its prepared form, as the stores' put takes it. */
export function asPrepared(x: ResultsFile | PreparedResult): PreparedResult {
  return (x as PreparedResult).kind === 'prepared' ? (x as PreparedResult) : prepareResult(x as ResultsFile);
}

/**
 * Every check an upload gets, on its bytes; `scanned`: the shape scan already ran as the body arrived.
 * Also used on stored files (index rebuild) and imported ones, so all three apply the same rules.
 */
export function checkUpload(body: Uint8Array, limits: ShapeLimits = DEFAULT_SHAPE_LIMITS, scanned = false): UploadCheck {
  if (!scanned) {
    const shape = scanJsonShape(body, limits);
    if (shape)
      return shape.kind === 'depth'
        ? { ok: false, status: 400, reason: 'malformed_json', message: shape.message }
        : { ok: false, status: 413, reason: 'too_large', message: shape.message };
  }
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (e) {
    return {
      ok: false,
      status: 400,
      reason: 'malformed_json',
      message: `malformed JSON: ${((e as Error).message.split('\n')[0] ?? '').slice(0, 300)}`,
    };
  }
  const id = typeof data === 'object' && data !== null ? (data as { id?: unknown }).id : undefined;
  if (typeof id !== 'string' || !UUID.test(id)) {
    return {
      ok: false,
      status: 400,
      reason: 'bad_id',
      message: `id must be a UUID (got ${JSON.stringify(typeof id === 'string' ? id.slice(0, 60) : (id ?? null))})`,
    };
  }
  const unsafe = findUnsafeValue(data, limits);
  if (unsafe) return { ok: false, status: 422, reason: 'schema_invalid', message: `upload: invalid results file: ${unsafe}` };
  let file: ResultsFile;
  try {
    file = asResultsFile(data, 'upload');
  } catch (e) {
    if (e instanceof InputError) return { ok: false, status: 422, reason: 'schema_invalid', message: e.message };
    throw e;
  }
  const bad = checkResultFields(file, limits);
  if (bad) return { ok: false, status: 422, reason: 'schema_invalid', message: `upload: invalid results file: ${bad}` };
  return { ok: true, result: prepareResult(file) };
}
