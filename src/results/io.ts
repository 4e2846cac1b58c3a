/** Reading and writing results files: every reader validates against schema/results.v1.json. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { InputError } from '../errors.js';
import { RESULTS_SCHEMA, type ResultsFile } from '../types.js';
import { writeOutputs } from './output.js';

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext resolution.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

/** Absolute path of a JSON Schema shipped in schema/ (works from src/ and from dist/). */
export function schemaPath(name: string): string {
  // fileURLToPath, not .pathname: a checkout under a path with spaces or non-ASCII would be percent-encoded.
  return fileURLToPath(new URL(`../../schema/${name}`, import.meta.url));
}

const validators = new Map<string, ValidateFunction>();

/** The compiled validator of a JSON Schema shipped in schema/ (compiled once, on first use). */
export function schemaValidator(name: string): ValidateFunction {
  let v = validators.get(name);
  if (!v) {
    const ajv = new Ajv({ allErrors: false, strict: false });
    addFormats(ajv);
    v = ajv.compile(JSON.parse(readFileSync(schemaPath(name), 'utf8')) as object);
    validators.set(name, v);
  }
  return v;
}

function describe(err: ErrorObject | undefined): string {
  if (!err) return 'does not match the schema';
  const where = err.instancePath || '(top level)';
  const extra = err.keyword === 'enum' ? ` (${(err.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
  return `${where} ${err.message ?? 'is invalid'}${extra}`;
}

/** Validate parsed JSON as a results file; throws InputError naming `name` and the first problem. */
export function asResultsFile(data: unknown, name: string): ResultsFile {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new InputError(`${name}: not a virtax results file (expected a JSON object)`);
  }
  const schema = (data as { schema?: unknown }).schema;
  if (schema !== RESULTS_SCHEMA) {
    const m = typeof schema === 'string' ? /^virtax\.results\/v(\d+)$/.exec(schema) : null;
    if (m && Number(m[1]) > 1) {
      throw new InputError(`${name}: written by a newer virtax (schema ${schema}); this virtax reads ${RESULTS_SCHEMA}`);
    }
    throw new InputError(`${name}: not a virtax results file (schema is ${JSON.stringify(schema ?? null)}, expected "${RESULTS_SCHEMA}")`);
  }
  const v = schemaValidator('results.v1.json');
  if (!v(data)) throw new InputError(`${name}: invalid results file: ${describe(v.errors?.[0])}`);
  return data as ResultsFile;
}

/** Parse results JSON text; `name` is used in the one-line error. */
export function parseResults(text: string, name: string): ResultsFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new InputError(`${name}: not valid JSON (truncated or corrupt?): ${why}`);
  }
  return asResultsFile(data, name);
}

/** Read a text input file; InputError with one line (`PATH: cannot read (no such file)`) when it cannot. */
export function readInputText(path: string, what = ''): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: cannot read${what ? ` ${what}` : ''} (${code === 'ENOENT' ? 'no such file' : code ?? String(e)})`);
  }
}

/** Parse JSON input; throws InputError naming `name` (and `what` it should be) with the parser's reason. */
export function parseJsonInput(text: string, name: string, what = ''): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${name}: ${what ? `${what} is ` : ''}not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Read a JSON input file: one-line InputError when it cannot be read or is not JSON. */
export function readJsonInput(path: string, what = ''): unknown {
  return parseJsonInput(readInputText(path, what), path, what);
}

/** Read and validate a results file. */
export function loadResults(path: string): ResultsFile {
  return parseResults(readInputText(path), path);
}

/**
 * Write a file atomically: temp file in the same directory, fsync, rename. Readers never see a half file.
 * The path is checked first (src/results/output.ts): a directory, a file where a directory should be, or a
 * kernel file system is one InputError naming it.
 */
export function writeFileAtomic(path: string, text: string | Uint8Array): void {
  writeOutputs([{ path, data: text }]);
}

export function saveResults(path: string, results: ResultsFile): void {
  writeFileAtomic(path, `${JSON.stringify(results, null, 1)}\n`);
}
