/**
 * The collector's storage: one JSON file per result under <data>/results/<id>.json, written atomically
 * (temp + fsync + rename) before it is indexed and acknowledged, and a SQLite index (<data>/index.sqlite)
 * that answers listings. The files are the truth: the index is rebuilt from them when it is missing or
 * corrupt, and files not yet indexed (a crash between rename and index) are picked up on open. A file that
 * fails the checks an upload gets now (upload-check.ts; the rules tighten over releases) is never deleted:
 * it is moved to <data>/rejected/ with a note beside it saying why.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import Database from 'better-sqlite3';
import { InputError } from '../errors.js';
import type { ResultsFile } from '../types.js';
import { asPrepared, checkUpload, contentHash, type PreparedResult } from './upload-check.js';

export { contentHash, type PreparedResult };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `id` is a UUID (the only ids the collector stores or serves). */
export function isResultId(id: string): boolean {
  return UUID.test(id);
}

/** One row of a listing: what the index knows about a stored result. */
export interface ResultSummary {
  id: string;
  label: string;
  platform: string;
  hypervisor: string | null;
  host: string;
  startedAt: string;
  finishedAt: string | null;
  receivedAt: string;
  workloads: number;
  bytes: number;
}

export interface ListQuery {
  label?: string;
  platform?: string;
  hypervisor?: string;
  host?: string;
  /** ISO times, inclusive, on startedAt. */
  since?: string;
  until?: string;
  limit?: number;
  offset?: number;
}

/** Outcome of storing one upload, tagged by `status`. */
export type PutOutcome =
  { status: 'created'; id: string } | { status: 'duplicate'; id: string } | { status: 'conflict'; id: string; reason: string };

/** How the index was opened: counts for the startup log line. */
export interface OpenReport {
  rebuilt: boolean;
  /** Why the index was rebuilt (missing, corrupt), when it was. */
  why: string | null;
  indexed: number;
  /** Files found on disk that were not in the index. */
  recovered: number;
  /** Files that failed validation and were moved aside to <data>/rejected/ (with `<id>.json.why` beside). */
  quarantined: number;
  /** Temp files of interrupted writes that were removed. */
  tempRemoved: number;
}

/**
 * writeFileAtomic (src/results/io.ts) without blocking the event loop: temp file named the same way
 * (`.<name>.<hex>.tmp`, which open() removes after a crash), fsync, rename, then fsync the directory so the
 * rename itself survives a power cut. Async so concurrent uploads fsync in parallel instead of one by one
 * on the event loop (the sync version capped the collector at about one upload per fsync).
 */
export async function writeFileAtomicAsync(path: string, text: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  const tmp = `${dir}/.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

/** Held while a collector has a data directory open: <data>/lock holds `pid host` of the holder. */
export class DataDirLock {
  private constructor(readonly path: string) {}

  /**
   * Take the lock, or throw InputError naming the holder. A lock left by a process that no longer runs on
   * this host (a SIGKILL) is taken over.
   */
  static acquire(dir: string): DataDirLock {
    const path = join(dir, 'lock');
    const me = `${process.pid} ${hostname()}\n`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(path, me, { flag: 'wx' });
        return new DataDirLock(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      let holder = '';
      try {
        holder = readFileSync(path, 'utf8').trim();
      } catch {
        continue; // released meanwhile
      }
      const [pidText, host] = holder.split(' ');
      const pid = Number(pidText);
      const alive = host !== hostname() || (Number.isInteger(pid) && pid > 0 && processAlive(pid));
      if (alive) {
        throw new InputError(
          `data directory ${dir} is in use by another collector (pid ${pidText ?? '?'} on ${host ?? '?'}); two collectors must not share one --data (if that host is gone, delete ${path})`,
        );
      }
      rmSync(path, { force: true });
    }
    throw new InputError(`data directory ${dir}: could not take ${path}`);
  }

  release(): void {
    rmSync(this.path, { force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The store cannot be reached now (a database that is away): the server answers 503 with Retry-After. */
export class StoreUnavailableError extends Error {}

/** A stored file exists but cannot be read; the message carries no path. */
export class StoreReadError extends Error {}

export class ResultStore {
  readonly dir: string;
  readonly resultsDir: string;
  private db!: Database.Database;
  private readonly indexPath: string;
  private readonly inflight = new Map<string, Promise<PutOutcome>>();
  private insertsSinceAnalyze = 0;
  /** Bumped on every stored result: cached pages built before it are stale. */
  generation = 0;

  constructor(dataDir: string) {
    this.dir = resolve(dataDir);
    this.resultsDir = join(this.dir, 'results');
    this.indexPath = join(this.dir, 'index.sqlite');
  }

  /** Open (or rebuild) the index and reconcile it with the files on disk. */
  open(): OpenReport {
    mkdirSync(this.resultsDir, { recursive: true });
    let why: string | null = existsSync(this.indexPath) ? null : 'missing';
    if (!why) {
      try {
        this.db = this.connect();
        const check = this.db.pragma('quick_check', { simple: true });
        if (check !== 'ok') throw new Error(String(check));
        this.db.prepare('SELECT count(*) FROM results').get();
      } catch (e) {
        why = `corrupt (${(e as Error).message.split('\n')[0]})`;
        try {
          this.db?.close();
        } catch {
          // already unusable
        }
        renameSync(this.indexPath, `${this.indexPath}.corrupt-${Date.now()}`);
        for (const ext of ['-wal', '-shm']) rmSync(`${this.indexPath}${ext}`, { force: true });
      }
    }
    if (why) this.db = this.connect();
    const report = this.reconcile();
    return { rebuilt: why !== null, why, ...report };
  }

  close(): void {
    this.db.close();
  }

  private connect(): Database.Database {
    const db = new Database(this.indexPath);
    db.pragma('journal_mode = WAL');
    // The index can be rebuilt from the files, so it need not fsync every commit.
    db.pragma('synchronous = NORMAL');
    db.exec(`CREATE TABLE IF NOT EXISTS results (
      id TEXT PRIMARY KEY, label TEXT NOT NULL, platform TEXT NOT NULL, hypervisor TEXT, host TEXT NOT NULL,
      started_at TEXT NOT NULL, finished_at TEXT, received_at TEXT NOT NULL, workloads INTEGER NOT NULL,
      bytes INTEGER NOT NULL, sha256 TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS results_label ON results(label, started_at);
      CREATE INDEX IF NOT EXISTS results_platform ON results(platform, started_at);
      CREATE INDEX IF NOT EXISTS results_hypervisor ON results(hypervisor, started_at);
      CREATE INDEX IF NOT EXISTS results_host ON results(host, started_at);
      CREATE INDEX IF NOT EXISTS results_started ON results(started_at, id);`);
    return db;
  }

  /** Index files on disk that the index lacks, drop index rows whose file is gone, remove stale temp files. */
  private reconcile(): Omit<OpenReport, 'rebuilt' | 'why'> {
    const names = readdirSync(this.resultsDir);
    let tempRemoved = 0;
    const onDisk = new Set<string>();
    for (const name of names) {
      if (name.startsWith('.') && name.endsWith('.tmp')) {
        // A write that never reached its rename: it was never acknowledged.
        rmSync(join(this.resultsDir, name), { force: true });
        tempRemoved++;
      } else if (name.endsWith('.json') && isResultId(name.slice(0, -5))) {
        onDisk.add(name.slice(0, -5).toLowerCase());
      }
    }
    const indexed = new Set((this.db.prepare('SELECT id FROM results').pluck().all() as string[]).map((s) => s.toLowerCase()));
    let recovered = 0;
    let quarantined = 0;
    const insert = this.insertStatement();
    const tx = this.db.transaction(() => {
      for (const id of onDisk) {
        if (indexed.has(id)) continue;
        const path = join(this.resultsDir, `${id}.json`);
        let why: string;
        try {
          const bytes = readFileSync(path);
          const check = checkUpload(bytes);
          if (check.ok && check.result.id === id) {
            insert.run(this.row(check.result, bytes.length, new Date().toISOString()));
            recovered++;
            continue;
          }
          why = check.ok ? `the id inside is ${check.result.id}` : check.message;
        } catch (e) {
          why = `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message.split('\n')[0]})`;
        }
        // The same checks as an upload: a file stored under older rules that breaks the current ones is
        // moved aside with a note, never deleted (put it back once fixed; it is indexed at the next start).
        const rejected = join(this.dir, 'rejected');
        mkdirSync(rejected, { recursive: true });
        renameSync(path, join(rejected, `${id}.json`));
        writeFileSync(join(rejected, `${id}.json.why`), `${new Date().toISOString()} moved here from results/ at index rebuild: ${why}\n`);
        quarantined++;
      }
      const drop = this.db.prepare('DELETE FROM results WHERE id = ?');
      for (const id of indexed) if (!onDisk.has(id)) drop.run(id);
    });
    tx();
    this.db.exec('ANALYZE');
    return { indexed: this.count(), recovered, quarantined, tempRemoved };
  }

  private insertStatement(): Database.Statement {
    return this.db.prepare(`INSERT OR REPLACE INTO results
      (id, label, platform, hypervisor, host, started_at, finished_at, received_at, workloads, bytes, sha256)
      VALUES (@id, @label, @platform, @hypervisor, @host, @startedAt, @finishedAt, @receivedAt, @workloads, @bytes, @sha256)`);
  }

  private row(p: PreparedResult, bytes: number, receivedAt: string): Record<string, unknown> {
    return {
      id: p.id,
      label: p.label,
      platform: p.platform,
      hypervisor: p.hypervisor,
      host: p.host,
      // Normalised to UTC 'Z' form so since/until compare as strings even if a file used an offset.
      startedAt: p.startedAt,
      finishedAt: p.finishedAt,
      receivedAt,
      workloads: p.workloads,
      bytes,
      // Hash of the content whatever its formatting, key order or id case (see contentHash).
      sha256: p.sha256,
    };
  }

  /** The file path of a result id; throws on anything that is not a UUID (no path can escape resultsDir). */
  pathOf(id: string): string {
    if (!isResultId(id)) throw new InputError(`id must be a UUID (got ${JSON.stringify(id.slice(0, 60))})`);
    const path = resolve(this.resultsDir, `${id.toLowerCase()}.json`);
    if (!path.startsWith(this.resultsDir + sep)) throw new InputError('id resolves outside the data directory');
    return path;
  }

  /**
   * Store a validated results file (or its prepared form, upload-check.ts). Same id and same content:
   * duplicate (nothing written). Same id, different content: conflict. The file is on disk (fsynced,
   * renamed) before the index row.
   */
  async put(x: ResultsFile | PreparedResult): Promise<PutOutcome> {
    const file = asPrepared(x);
    const id = file.id;
    // One write per id at a time: a second upload of the same id waits, then sees the first one's file.
    for (let busy = this.inflight.get(id); busy; busy = this.inflight.get(id)) await busy.catch(() => {});
    const p = this.putNow(file);
    this.inflight.set(id, p);
    try {
      return await p;
    } finally {
      this.inflight.delete(id);
    }
  }

  private async putNow(file: PreparedResult): Promise<PutOutcome> {
    const path = this.pathOf(file.id);
    const id = file.id;
    const text = file.text;
    const hash = file.sha256;
    const known = this.db.prepare('SELECT sha256 FROM results WHERE id = ?').pluck().get(id) as string | undefined;
    const onDisk = () => (existsSync(path) ? contentHash(JSON.parse(readFileSync(path, 'utf8')) as ResultsFile) : undefined);
    let existing = known ?? onDisk();
    // An index written by an older collector hashed the text in its key order: recheck against the file.
    if (existing !== undefined && existing !== hash && known !== undefined) existing = onDisk() ?? existing;
    if (existing !== undefined) {
      if (existing !== hash) return { status: 'conflict', id, reason: `result ${id} already stored with different content` };
      if (known === undefined) this.insertStatement().run(this.row(file, text.byteLength, new Date().toISOString()));
      return { status: 'duplicate', id };
    }
    await writeFileAtomicAsync(path, text);
    this.insertStatement().run(this.row(file, text.byteLength, new Date().toISOString()));
    // Keep the planner's statistics current: without them SQLite may filter on the least selective index
    // (five times slower listings at 10,000 results). ANALYZE takes milliseconds at this size.
    if (++this.insertsSinceAnalyze >= 1000) {
      this.insertsSinceAnalyze = 0;
      this.db.exec('ANALYZE');
    }
    this.generation++;
    return { status: 'created', id };
  }

  /**
   * Stored text of a result, or null. A file that cannot be read (a symlink loop, a permission problem) is
   * a StoreReadError whose message names the id and the error code, never the path.
   */
  getText(id: string): string | null {
    const path = this.pathOf(id);
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return null;
      throw new StoreReadError(`stored result ${id.toLowerCase()} cannot be read (${code ?? 'error'})`);
    }
  }

  /** Paths of the stored files of these ids, or the first id that is not stored. */
  pathsOf(ids: readonly string[]): { paths: string[] } | { missing: string } {
    const paths: string[] = [];
    for (const id of ids) {
      const path = this.pathOf(id);
      if (!existsSync(path)) return { missing: id };
      paths.push(path);
    }
    return { paths };
  }

  get(id: string): ResultsFile | null {
    const text = this.getText(id);
    return text === null ? null : (JSON.parse(text) as ResultsFile);
  }

  count(): number {
    return this.db.prepare('SELECT count(*) FROM results').pluck().get() as number;
  }

  /** Filtered listing, newest first, with the total that matched. */
  list(q: ListQuery): { total: number; items: ResultSummary[] } {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    for (const [key, col] of [
      ['label', 'label'],
      ['platform', 'platform'],
      ['hypervisor', 'hypervisor'],
      ['host', 'host'],
    ] as const) {
      const v = q[key];
      if (v !== undefined) {
        where.push(`${col} = @${key}`);
        params[key] = v;
      }
    }
    if (q.since !== undefined) {
      where.push('started_at >= @since');
      params.since = q.since;
    }
    if (q.until !== undefined) {
      where.push('started_at <= @until');
      params.until = q.until;
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = this.db.prepare(`SELECT count(*) FROM results ${clause}`).pluck().get(params) as number;
    const rows = this.db
      .prepare(
        `SELECT id, label, platform, hypervisor, host, started_at AS startedAt, finished_at AS finishedAt,
        received_at AS receivedAt, workloads, bytes FROM results ${clause}
        ORDER BY started_at DESC, id LIMIT @limit OFFSET @offset`,
      )
      .all({ ...params, limit: q.limit ?? 100, offset: q.offset ?? 0 }) as ResultSummary[];
    return { total, items: rows };
  }

  /** Ids of every result with this label, oldest first (for history). */
  idsForLabel(label: string, limit = 1000): string[] {
    return this.db
      .prepare('SELECT id FROM (SELECT id, started_at FROM results WHERE label = ? ORDER BY started_at DESC LIMIT ?) ORDER BY started_at')
      .pluck()
      .all(label, limit) as string[];
  }
}

/**
 * Where the page worker finds the documents of a page: files it reads itself (the embedded store), or the
 * texts themselves (a database store).
 */
export type DocumentSource = { kind: 'paths'; paths: string[] } | { kind: 'texts'; texts: string[] };

/**
 * The storage interface the collector's server uses; every implementation passes the same contract tests
 * (test/integration/collector-store-contract.test.ts). Results are immutable once stored: the same id with the same
 * content is a duplicate, with other content a conflict.
 */
export interface ResultsStore {
  /** Where the results live, for the startup line (a directory, or a database without its password). */
  readonly where: string;
  /** Open (or create, migrate, rebuild) the store. */
  open(): Promise<OpenReport>;
  close(): Promise<void>;
  /** Store a validated file (or its prepared form); acknowledged (resolved) only once it is durable. */
  put(file: ResultsFile | PreparedResult): Promise<PutOutcome>;
  /** The stored text of a result, or null. */
  getText(id: string): Promise<string | null>;
  count(): Promise<number>;
  list(q: ListQuery): Promise<{ total: number; items: ResultSummary[] }>;
  /** Ids of the newest `limit` results with this label, oldest first. */
  idsForLabel(label: string, limit: number): Promise<string[]>;
  /** The documents of these ids for the page worker, or the first id that is not stored. */
  documents(ids: readonly string[]): Promise<DocumentSource | { missing: string }>;
  /** Null when the store can serve; otherwise why not (for /readyz). */
  unready(): Promise<string | null>;
}

/** The embedded store: files + SQLite index under one data directory, locked while open. */
export class EmbeddedStore implements ResultsStore {
  readonly files: ResultStore;
  private lock: DataDirLock | null = null;

  constructor(dataDir: string) {
    this.files = new ResultStore(dataDir);
  }

  get where(): string {
    return this.files.dir;
  }

  async open(): Promise<OpenReport> {
    mkdirSync(this.files.dir, { recursive: true });
    this.lock = DataDirLock.acquire(this.files.dir);
    try {
      return this.files.open();
    } catch (e) {
      this.lock.release();
      this.lock = null;
      throw e;
    }
  }

  async close(): Promise<void> {
    this.files.close();
    this.lock?.release();
    this.lock = null;
  }

  put(file: ResultsFile | PreparedResult): Promise<PutOutcome> {
    return this.files.put(file);
  }

  async getText(id: string): Promise<string | null> {
    return this.files.getText(id);
  }

  async count(): Promise<number> {
    return this.files.count();
  }

  async list(q: ListQuery): Promise<{ total: number; items: ResultSummary[] }> {
    return this.files.list(q);
  }

  async idsForLabel(label: string, limit: number): Promise<string[]> {
    return this.files.idsForLabel(label, limit);
  }

  async documents(ids: readonly string[]): Promise<DocumentSource | { missing: string }> {
    const found = this.files.pathsOf(ids);
    return 'missing' in found ? found : { kind: 'paths', paths: found.paths };
  }

  async unready(): Promise<string | null> {
    return null;
  }
}
