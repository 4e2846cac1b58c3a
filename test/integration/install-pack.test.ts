/**
 * The install a user does: `npm pack` builds dist/ (prepare) and the tarball installs into a fresh prefix
 * without devDependencies and runs. A bare checkout's `npm install -g .` says how to install instead of
 * `sh: tsc: not found`. Installs offline from npm's cache (filled by the `npm ci` that precedes the tests);
 * install scripts are skipped, so better-sqlite3 is not compiled (`--version` and `list` do not need it).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = new URL('../..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'virtax-install-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const version = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version;

function sh(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('install', () => {
  it('npm pack gives a package that installs without devDependencies and runs virtax --version and list', () => {
    const pack = sh('npm', ['pack', '--pack-destination', tmp, '--json'], repo);
    expect(pack.code, pack.err).toBe(0);
    const tgz = join(tmp, (JSON.parse(pack.out) as { filename: string }[])[0]!.filename);
    const files = (JSON.parse(pack.out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toContain('dist/cli/main.js');
    expect(files).toContain('schema/results.v1.json');
    expect(files.some((f) => f.startsWith('src/') || f.startsWith('test/'))).toBe(false);

    const prefix = join(tmp, 'prefix');
    const common = ['install', '-g', tgz, '--prefix', prefix, '--ignore-scripts', '--omit=dev', '--no-audit', '--no-fund'];
    let inst = sh('npm', [...common, '--offline'], tmp);
    if (inst.code !== 0 && /ENOTCACHED/.test(inst.err)) inst = sh('npm', [...common, '--prefer-offline'], tmp);
    expect(inst.code, inst.err).toBe(0);
    const pkg = join(prefix, 'lib', 'node_modules', 'virtax');
    expect(existsSync(join(pkg, 'node_modules', 'typescript'))).toBe(false);

    const bin = join(prefix, 'bin', 'virtax');
    const v = sh(bin, ['--version'], tmp);
    expect(v.code, v.err).toBe(0);
    expect(v.out.trim()).toBe(version);
    const list = sh(bin, ['list'], tmp);
    expect(list.code, list.err).toBe(0);
    expect(list.out).toMatch(/^cpu\.int\s+cpu\s/m);
  }, 180_000);

  it('npm install -g . on a bare clone fails with how to install, not "tsc: not found"', () => {
    const bare = join(tmp, 'bare');
    for (const f of ['package.json', 'scripts', 'bin']) cpSync(join(repo, f), join(bare, f), { recursive: true });
    const r = sh('node', ['scripts/prepare.mjs'], bare);
    expect(r.code).toBe(1);
    expect(r.err).toContain('npm ci && npm install -g .');
    const run = sh('node', ['bin/virtax.js', '--version'], bare);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/^virtax: not built .*run `npm ci`/);
  });
});
