/**
 * A throwaway PostgreSQL cluster for tests and the bench (not a test file): initdb in a temp directory as
 * the `postgres` user (initdb refuses root), listening only on a unix socket in that directory, so nothing
 * collides with other clusters on the machine. `startPostgres()` resolves to null with the reason when no
 * PostgreSQL can be started here; callers skip with that reason. No mocks.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Postgres {
  /** Connection string (unix socket). */
  url: string;
  dir: string;
  /** Stop the server, keeping its data (a database outage). */
  pause(): void;
  /** Start it again on the same data and socket. */
  resume(): void;
  /** Stop and remove everything. */
  stop(): void;
}

function binDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

function uidOf(user: string): number | null {
  try {
    return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
  } catch {
    return null;
  }
}

export function startPostgres(): { pg: Postgres } | { skip: string } {
  const bin = binDir();
  if (!bin) return { skip: 'PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb)' };
  const asRoot = process.getuid?.() === 0;
  const pgUid = asRoot ? uidOf('postgres') : null;
  if (asRoot && pgUid === null) return { skip: 'running as root and there is no postgres user for initdb' };
  const dir = mkdtempSync(join(tmpdir(), 'virtax-pg-'));
  chmodSync(dir, 0o755);
  if (asRoot) chownSync(dir, pgUid as number, pgUid as number);
  const data = join(dir, 'data');
  const run = (cmd: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'pipe' })
      : execFileSync(join(bin, cmd), args, { stdio: 'pipe' });
  const start = () =>
    run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', `-k ${dir} -c listen_addresses= -c fsync=on`, '-w', '-t', '30', 'start']);
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'virtax', '--no-sync', '--locale=C', '-E', 'UTF8']);
    start();
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    const err = e as { stderr?: Buffer; message: string };
    return { skip: `PostgreSQL did not start: ${(err.stderr?.toString() || err.message).split('\n')[0]}` };
  }
  return {
    pg: {
      url: `postgres://virtax@localhost/postgres?host=${encodeURIComponent(dir)}`,
      dir,
      pause: () => {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      },
      resume: () => {
        start();
      },
      stop: () => {
        try {
          run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
        } catch {
          // already stopped
        }
        rmSync(dir, { recursive: true, force: true });
      },
    },
  };
}
