/**
 * Output files of the CLI: checked before anything is written, written all-or-nothing.
 *
 * Why not `mkdirSync(dir, { recursive: true })`: on Node 20 it loops forever under /proc (ENOENT retried),
 * so `report --png /proc/pngs` hung. Directories are made one level at a time below the nearest existing
 * ancestor, after that ancestor is known to be a writable directory on a real file system.
 * Every error is an InputError naming the path the user typed.
 */
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, fsyncSync, mkdirSync, openSync, renameSync, rmdirSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.js';

/** statfs magic numbers of kernel pseudo file systems nothing can be written to as a file. */
const PSEUDO_FS: Record<number, string> = { 0x9fa0: 'proc', 0x62656572: 'sysfs', 0x64626720: 'debugfs', 0x73636673: 'securityfs', 0x27e0eb: 'cgroup', 0x63677270: 'cgroup2' };

function kindOf(path: string): 'dir' | 'file' | 'none' {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'file';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'none';
    if (code === 'ENOTDIR') return 'none'; // some ancestor is a file: reported when the ancestor is reached
    throw e;
  }
}

function label(flag: string | undefined, path: string): string {
  return flag ? `${flag} ${path}` : path;
}

/**
 * The directories that would have to be made for `dir` to exist (outermost first), after checking that
 * the nearest existing ancestor is a writable directory on a real file system. Throws InputError otherwise.
 */
export function plannedDirs(dir: string, flag?: string, shown: string = dir): string[] {
  const missing: string[] = [];
  let cur = resolve(dir);
  for (;;) {
    const k = kindOf(cur);
    if (k === 'dir') break;
    if (k === 'file') {
      throw new InputError(`${label(flag, shown)}: ${cur === resolve(shown) ? 'is a file, not a directory' : `${cur} is a file, not a directory`}`);
    }
    missing.unshift(cur);
    const up = dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  let type = 0;
  try {
    type = Number(statfsSync(cur).type);
  } catch {
    /* statfs unsupported: the write itself will say */
  }
  const pseudo = PSEUDO_FS[type];
  if (pseudo) throw new InputError(`${label(flag, shown)}: ${cur} is on a kernel file system (${pseudo}); choose a normal directory`);
  try {
    accessSync(cur, constants.W_OK);
  } catch {
    throw new InputError(`${label(flag, shown)}: cannot write into ${cur} (permission denied)`);
  }
  return missing;
}

/** Check that `path` can be written as a file (not a directory, parent a writable directory or makeable). */
export function checkOutputFile(path: string, flag?: string): void {
  if (!path) throw new InputError(`${flag ?? 'output'}: empty path`);
  if (kindOf(path) === 'dir') throw new InputError(`${label(flag, path)}: is a directory; name a file inside it (e.g. ${join(path, 'NAME')})`);
  plannedDirs(dirname(path), flag, path);
}

/** Make `dir` and its missing parents (checked first; never the looping recursive mkdir). Returns what it made. */
export function makeDirs(dir: string, flag?: string): string[] {
  const made: string[] = [];
  for (const d of plannedDirs(dir, flag)) {
    try {
      mkdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && kindOf(d) === 'dir') continue;
      throw new InputError(`${label(flag, dir)}: cannot create ${d} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    made.push(d);
  }
  return made;
}

/** One file to write: its path, its content, and the flag that named it (for error lines). */
export interface OutputFile {
  path: string;
  data: string | Uint8Array;
  flag?: string;
}

/**
 * Write every file or none: check all paths, write each to a temp file beside it (fsynced), then rename
 * them all. On any failure the temp files and the directories made for them are removed and one
 * InputError names the path. (A crash between two renames can still leave some renamed: rename is the
 * only atomic step a file system offers.)
 */
export function writeOutputs(files: OutputFile[]): void {
  const seen = new Set<string>();
  for (const f of files) {
    const abs = resolve(f.path);
    if (seen.has(abs)) throw new InputError(`${label(f.flag, f.path)}: the same file is named by two output flags`);
    seen.add(abs);
    checkOutputFile(f.path, f.flag);
  }
  const made: string[] = [];
  const temps: string[] = [];
  try {
    for (const f of files) {
      made.push(...makeDirs(dirname(f.path), f.flag));
      const tmp = join(dirname(f.path), `.${basename(f.path)}.${randomBytes(6).toString('hex')}.tmp`);
      temps.push(tmp);
      try {
        writeFileSync(tmp, f.data);
        const fd = openSync(tmp, 'r');
        try {
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
      } catch (e) {
        throw new InputError(`${label(f.flag, f.path)}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
    }
    files.forEach((f, i) => {
      try {
        renameSync(temps[i] as string, f.path);
      } catch (e) {
        throw new InputError(`${label(f.flag, f.path)}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
    });
  } catch (e) {
    for (const t of temps) rmSync(t, { force: true });
    for (const d of made.reverse()) {
      try {
        rmdirSync(d);
      } catch {
        /* not empty: something else lives there now */
      }
    }
    throw e;
  }
}

/** The export formats every command that has a result to keep offers, each through its own flag (`--markdown F`). */
export const EXPORT_FORMATS = ['markdown', 'csv', 'junit', 'html'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** Where the user asked each format to go (the common flags' values). */
export type ExportPaths = Partial<Record<ExportFormat, string | undefined>>;

/** The flag that names a format's file, for error lines: the one place a format meets its flag. */
export const exportFlag = (format: ExportFormat): string => `--${format}`;

/**
 * The export path: every requested export file checked before any work (a wrong path fails in a second, not after a
 * ten-minute run), then each requested format rendered once, from the renderers of the result's kind. A format the
 * kind has no renderer for is an InputError naming its flag. `path` may rename a file (replicate runs).
 */
export function checkExports(paths: ExportPaths, path: (p: string) => string = (p) => p): void {
  for (const format of EXPORT_FORMATS) {
    const p = paths[format];
    if (p === undefined) continue;
    if (typeof p !== 'string' || p === '') throw new InputError(`${exportFlag(format)}: expected a file name`);
    checkOutputFile(path(p), exportFlag(format));
  }
}

export function exportFiles(
  paths: ExportPaths,
  render: Partial<Record<ExportFormat, () => string>>,
  path: (p: string) => string = (p) => p,
): OutputFile[] {
  return EXPORT_FORMATS.flatMap((format) => {
    const p = paths[format];
    if (p === undefined) return [];
    const r = render[format];
    if (!r) throw new InputError(`${exportFlag(format)}: this command has no ${format} output`);
    return [{ path: path(p), data: r(), flag: exportFlag(format) }];
  });
}
