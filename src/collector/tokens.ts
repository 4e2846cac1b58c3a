/**
 * Who may read and who may write: bearer tokens and what each one grants.
 *
 * Two sources, usable together:
 *   - one admin token (`--token-file`, `$VIRTAX_TOKEN`, `--token`): read and write, any label;
 *   - a token file (`--tokens FILE`), one entry per probe or reader:
 *       { "tokens": [ { "name": "metal-01", "sha256": "<hex sha256 of the token>", "scopes": ["write"],
 *                       "labels": ["k8s-metal", "metal-*"] },
 *                     { "name": "planners", "sha256": "...", "scopes": ["read"] } ] }
 *     `token` may stand in for `sha256` (the plain token; the file is then as secret as the tokens).
 *     `labels` (globs with `*`) limits which labels a writer may post under; absent means any label.
 *     The file is re-read when it changes (checked at most once per `reloadCheckMs`), so a token is
 *     revoked by deleting its line, without a restart. A file that no longer parses keeps the previous
 *     table and logs one line.
 *
 * Comparison is by SHA-256 digest with timingSafeEqual against every entry, so the time taken does not
 * depend on how much of a token matched.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../errors.js';
import { parseJsonInput } from '../results/io.js';

export type Scope = 'read' | 'write';

/** What a presented token may do. */
export interface Grant {
  name: string;
  scopes: ReadonlySet<Scope>;
  /** Label globs a writer may post under; null: any label. */
  labels: readonly string[] | null;
}

interface Entry extends Grant {
  digest: Buffer;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/**
 * A token as typed or read from a file or the environment: surrounding whitespace (a trailing newline from
 * `echo` or a secret file) is removed; anything left that cannot travel in an HTTP header is refused with
 * one line instead of being accepted and never matching.
 */
export function cleanToken(raw: string, where: string): string {
  const t = raw.trim();
  if (t === '') throw new InputError(`${where}: the token is empty`);
  if (!/^[\x21-\x7e]+$/.test(t)) throw new InputError(`${where}: a token may only hold printable ASCII without spaces`);
  return t;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .split('*')
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

/** True when `grant` may post results under `label`. */
export function labelAllowed(grant: Grant, label: string): boolean {
  return grant.labels === null || grant.labels.some((g) => globToRegExp(g).test(label));
}

/** Parse a token file's text; throws InputError with one line naming the first problem. */
export function parseTokenFile(text: string, path: string): Entry[] {
  const data = parseJsonInput(text, path);
  const list = (data as { tokens?: unknown } | null)?.tokens;
  if (!Array.isArray(list)) throw new InputError(`${path}: expected { "tokens": [ ... ] }`);
  return list.map((raw, i) => {
    const e = raw as { name?: unknown; sha256?: unknown; token?: unknown; scopes?: unknown; labels?: unknown };
    const where = `${path}: tokens[${i}]`;
    const name = typeof e.name === 'string' && e.name ? e.name : `#${i}`;
    let d: Buffer;
    if (typeof e.sha256 === 'string' && /^[0-9a-f]{64}$/i.test(e.sha256)) d = Buffer.from(e.sha256, 'hex');
    else if (typeof e.token === 'string') d = digest(cleanToken(e.token, where));
    else throw new InputError(`${where}: needs "sha256" (64 hex digits) or "token"`);
    const scopes = Array.isArray(e.scopes) ? e.scopes : [];
    if (scopes.length === 0 || !scopes.every((s) => s === 'read' || s === 'write')) {
      throw new InputError(`${where}: "scopes" must list "read" and/or "write"`);
    }
    let labels: string[] | null = null;
    if (e.labels !== undefined) {
      if (!Array.isArray(e.labels) || !e.labels.every((l) => typeof l === 'string' && l !== '')) {
        throw new InputError(`${where}: "labels" must be a list of label globs`);
      }
      labels = e.labels as string[];
    }
    return { name, digest: d, scopes: new Set(scopes as Scope[]), labels };
  });
}

export interface TokenTableOptions {
  /** One token with every scope and any label, or null. */
  adminToken: string | null;
  /** Token file path, or null. */
  file: string | null;
  /** How often the file's mtime is checked, at most (default 1000 ms; 0: every request). */
  reloadCheckMs?: number;
  /** Where a failed reload is reported (default stderr). */
  log?: (line: string) => void;
}

export class TokenTable {
  private admin: Entry | null;
  private entries: Entry[] = [];
  private readonly file: string | null;
  private readonly reloadCheckMs: number;
  private readonly log: (line: string) => void;
  private lastCheck = 0;
  private stamp = '';

  constructor(o: TokenTableOptions) {
    this.admin = o.adminToken
      ? { name: 'admin', digest: digest(o.adminToken), scopes: new Set<Scope>(['read', 'write']), labels: null }
      : null;
    this.file = o.file;
    this.reloadCheckMs = o.reloadCheckMs ?? 1000;
    this.log = o.log ?? ((line) => process.stderr.write(`${line}\n`));
    if (this.file) {
      // At start a bad file is a usage error, not a silent empty table.
      this.stamp = this.fileStamp();
      this.entries = parseTokenFile(readFileSync(this.file, 'utf8'), this.file);
      this.lastCheck = Date.now();
    }
  }

  /** True when any token is configured (otherwise the collector runs open, loopback only). */
  get required(): boolean {
    return this.admin !== null || this.file !== null;
  }

  /** Number of tokens in the file as last loaded. */
  get fileTokens(): number {
    return this.entries.length;
  }

  private fileStamp(): string {
    const s = statSync(this.file as string);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  }

  /** Re-read the token file when it changed; keep the old table when the new one does not parse. */
  reloadIfChanged(now = Date.now()): void {
    if (!this.file || now - this.lastCheck < this.reloadCheckMs) return;
    this.lastCheck = now;
    let stamp: string;
    try {
      stamp = this.fileStamp();
    } catch (e) {
      // A deleted token file revokes every token in it.
      if (this.entries.length > 0)
        this.log(`virtax serve: token file ${this.file} is gone (${(e as NodeJS.ErrnoException).code}); its tokens are revoked`);
      this.entries = [];
      this.stamp = '';
      return;
    }
    if (stamp === this.stamp) return;
    try {
      this.entries = parseTokenFile(readFileSync(this.file, 'utf8'), this.file);
      this.stamp = stamp;
      this.log(`virtax serve: token file reloaded (${this.entries.length} tokens)`);
    } catch (e) {
      this.log(`virtax serve: token file not reloaded, keeping the previous ${this.entries.length} tokens: ${(e as Error).message}`);
      this.stamp = stamp;
    }
  }

  /** The grant of a presented token, or null when no entry matches. */
  lookup(token: string): Grant | null {
    this.reloadIfChanged();
    const d = digest(token);
    let found: Entry | null = null;
    // Compare with every entry, whatever matched first.
    for (const e of this.admin ? [this.admin, ...this.entries] : this.entries) {
      if (timingSafeEqual(d, e.digest) && found === null) found = e;
    }
    return found;
  }
}
