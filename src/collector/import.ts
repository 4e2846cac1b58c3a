/**
 * Loading an existing embedded data directory (or any directory of results files) into a store, e.g. from
 * the embedded store into PostgreSQL when a fleet outgrows one collector. Every file gets the checks an
 * upload gets; storing is the store's put, so a second import of the same directory changes nothing
 * (duplicates) and an id already stored with other content is counted as a conflict, not overwritten.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import type { ResultsStore } from './store.js';
import { checkUpload } from './upload-check.js';

export interface ImportReport {
  created: number;
  duplicate: number;
  conflict: number;
  /** Files that fail the checks an upload must pass (name and reason of the first few). */
  invalid: number;
  problems: string[];
}

/** The results files of `dir`: `<dir>/results/*.json` for a data directory, else `<dir>/*.json`. */
export function resultsFilesIn(dir: string): string[] {
  let base = dir;
  try {
    if (statSync(join(dir, 'results')).isDirectory()) base = join(dir, 'results');
  } catch {
    // not a data directory: the files are directly in dir
  }
  let names: string[];
  try {
    names = readdirSync(base);
  } catch (e) {
    throw new InputError(`--import: cannot read ${dir} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return names
    .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
    .sort()
    .map((n) => join(base, n));
}

export async function importResults(store: ResultsStore, dir: string): Promise<ImportReport> {
  const report: ImportReport = { created: 0, duplicate: 0, conflict: 0, invalid: 0, problems: [] };
  const bad = (path: string, why: string) => {
    report.invalid++;
    if (report.problems.length < 5) report.problems.push(`${path}: ${why}`);
  };
  for (const path of resultsFilesIn(dir)) {
    const check = checkUpload(readFileSync(path));
    if (!check.ok) {
      bad(path, check.message.replace(/^upload: invalid results file: /, ''));
      continue;
    }
    const outcome = await store.put(check.result);
    report[outcome.status]++;
    if (outcome.status === 'conflict' && report.problems.length < 5) report.problems.push(`${path}: ${outcome.reason}`);
  }
  return report;
}
