/**
 * Baseline directories for the gate: `virtax baseline save` copies validated, finished runs of one host
 * class into a directory (atomically, one file per run) and keeps a small index; `virtax baseline show`
 * says what is in one. The directory's *.json files are the truth; the index is rebuilt from them on
 * every save and only adds when and from where each run was saved.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from '../errors.js';
import { BASELINE_INDEX, baselineFilesIn, guardedDiffs } from './read.js';
import { parseResults, readInputText, writeFileAtomic } from '../results/io.js';
import type { ResultsFile } from '../types.js';

export interface BaselineIndexEntry {
  file: string;
  id: string;
  label: string;
  suite: string;
  startedAt: string;
  finishedAt: string | null;
  /** When `baseline save` copied it here, and from where (null when the file was put there by hand). */
  savedAt: string | null;
  source: string | null;
  host: { hostname: string; platform: string; hypervisor: string | null; cpu: string; kernel: string; clocksource: string | null };
  workloads: { ok: number; skipped: number; failed: number };
}

export interface BaselineIndex {
  schema: 'virtax.baseline-index/v1';
  name: string;
  updatedAt: string;
  runs: BaselineIndexEntry[];
}

const readText = (path: string): string => readInputText(path);

function entryOf(file: string, r: ResultsFile, savedAt: string | null, source: string | null): BaselineIndexEntry {
  const count = (s: string) => r.workloads.filter((w) => w.status === s).length;
  return {
    file,
    id: r.id,
    label: r.label,
    suite: r.config.suite,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    savedAt,
    source,
    host: {
      hostname: r.host.hostname,
      platform: r.host.platform,
      hypervisor: r.host.hypervisor,
      cpu: r.host.cpu.model,
      kernel: r.host.kernel,
      clocksource: r.host.clocksource,
    },
    workloads: { ok: count('ok'), skipped: count('skipped'), failed: count('failed') },
  };
}

function previousIndex(dir: string): Map<string, BaselineIndexEntry> {
  const p = join(dir, BASELINE_INDEX);
  if (!existsSync(p)) return new Map();
  try {
    const idx = JSON.parse(readFileSync(p, 'utf8')) as BaselineIndex;
    return new Map((idx.runs ?? []).map((e) => [e.file, e]));
  } catch {
    return new Map(); // a damaged index is rebuilt from the files
  }
}

/** Every run in a baseline directory, validated (a corrupt file throws InputError naming it). */
export function readBaselineDir(dir: string): { path: string; text: string; file: ResultsFile }[] {
  return baselineFilesIn(dir).map((p) => {
    const text = readText(p);
    return { path: p, text, file: parseResults(text, p) };
  });
}

export interface SaveReport {
  saved: { from: string; to: string }[];
  skipped: { from: string; reason: string }[];
  index: BaselineIndex;
}

/** File name of a run inside a baseline directory: sortable by start time, unique by run id. */
export function baselineFileName(r: ResultsFile): string {
  return `${r.startedAt.replace(/[:.]/g, '-')}-${r.id.slice(0, 8)}.json`;
}

/**
 * Save finished, valid results files into `dir`. Refuses (InputError, nothing written) an unfinished run,
 * an invalid file, or a run of another host class (CPU model or hypervisor) than the directory's runs.
 */
export function saveBaseline(paths: string[], dir: string, now: Date): SaveReport {
  if (paths.length === 0) throw new InputError('baseline save: name at least one results file');
  const incoming = paths.map((p) => {
    const text = readText(p);
    const file = parseResults(text, p);
    if (file.finishedAt === null)
      throw new InputError(`${p}: unfinished run (checkpoint); finish it with \`virtax run --resume ${p}\` before saving it as a baseline`);
    return { path: p, text, file };
  });
  const existing = existsSync(dir) ? readBaselineDir(dir) : [];
  const reference = existing[0] ?? incoming[0];
  for (const r of incoming) {
    if (!reference || r === reference) continue;
    const diffs = guardedDiffs(reference.file.host, r.file.host);
    if (diffs.length) {
      throw new InputError(
        `${r.path}: not the same host class as ${reference.path}: ${diffs.map((d) => `${d.field} "${d.cand}" vs "${d.base}"`).join(', ')}; use another --dir for another host class`,
      );
    }
  }
  const prev = previousIndex(dir);
  const known = new Set(existing.map((e) => e.file.id));
  const saved: SaveReport['saved'] = [];
  const skipped: SaveReport['skipped'] = [];
  for (const r of incoming) {
    if (known.has(r.file.id)) {
      skipped.push({ from: r.path, reason: `run ${r.file.id} is already in ${dir}` });
      continue;
    }
    known.add(r.file.id);
    const name = baselineFileName(r.file);
    writeFileAtomic(join(dir, name), r.text);
    prev.set(name, entryOf(name, r.file, now.toISOString(), r.path));
    saved.push({ from: r.path, to: join(dir, name) });
  }
  const runs = readBaselineDir(dir).map((e) => {
    const name = basename(e.path);
    const old = prev.get(name);
    return entryOf(name, e.file, old?.savedAt ?? null, old?.source ?? null);
  });
  const index: BaselineIndex = { schema: 'virtax.baseline-index/v1', name: basename(dir), updatedAt: now.toISOString(), runs };
  writeFileAtomic(join(dir, BASELINE_INDEX), `${JSON.stringify(index, null, 1)}\n`);
  return { saved, skipped, index };
}

/** What is in a baseline directory (each run validated; a corrupt file throws naming it). */
export function describeBaseline(dir: string): BaselineIndex {
  if (!existsSync(dir)) throw new InputError(`${dir}: no such baseline directory`);
  const runs = readBaselineDir(dir);
  if (runs.length === 0) throw new InputError(`${dir}: baseline directory holds no results files (*.json)`);
  const prev = previousIndex(dir);
  const entries = runs.map((e) => {
    const name = basename(e.path);
    const old = prev.get(name);
    return entryOf(name, e.file, old?.savedAt ?? null, old?.source ?? null);
  });
  const updated = [...prev.values()].length ? (JSON.parse(readFileSync(join(dir, BASELINE_INDEX), 'utf8')) as BaselineIndex).updatedAt : '';
  return { schema: 'virtax.baseline-index/v1', name: basename(dir), updatedAt: updated, runs: entries };
}

/** "3 h", "2 d", "5 min": how long ago `iso` was, relative to `now`. */
export function ageOf(iso: string, now: Date): string {
  const s = Math.max(0, (now.getTime() - Date.parse(iso)) / 1000);
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}
