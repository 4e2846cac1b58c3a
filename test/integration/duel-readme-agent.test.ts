/**
 * The README's duel example (`--a 'virtax agent'`) as a user runs it from a checkout with `npx virtax`,
 * where no `virtax` is on PATH: the duel puts a `virtax` that starts this same CLI first on its agents' PATH.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const repo = new URL('../..', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'virtax-duel-readme-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

it("duel --a 'virtax agent' --b 'virtax agent' works with no virtax on PATH", () => {
  const PATH = (process.env.PATH ?? '')
    .split(':')
    .filter((d) => !existsSync(join(d, 'virtax')))
    .join(':');
  expect(spawnSync('sh', ['-c', 'command -v virtax'], { env: { ...process.env, PATH } }).status).not.toBe(0);
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/run-cli.ts',
      'duel',
      '--a',
      'virtax agent',
      '--b',
      'virtax agent',
      '--only',
      'cpu.int',
      '--rounds',
      '2',
      '--round-seconds',
      '0.1',
      '--seed',
      '1',
      '--out',
      out,
      '--json',
      '--markdown',
      join(out, 'duel.md'),
      '--csv',
      join(out, 'duel.csv'),
      '--html',
      join(out, 'duel.html'),
    ],
    { cwd: repo, encoding: 'utf8', env: { ...process.env, PATH } },
  );
  expect(r.stderr).not.toMatch(/not found/);
  expect(r.status, r.stderr).toBe(0);
  const duel = JSON.parse(readFileSync(join(out, 'duel.json'), 'utf8')) as { sides: { a: { command: string } } };
  expect(duel.sides.a.command).toBe('virtax agent');
  // the same export flags as compare
  expect(readFileSync(join(out, 'duel.md'), 'utf8')).toMatch(/^## virtax compare: B vs A/);
  expect(readFileSync(join(out, 'duel.csv'), 'utf8')).toMatch(/^id,category,status,/);
  expect(readFileSync(join(out, 'duel.html'), 'utf8')).toContain('<h2 id="headline">Headline</h2>');
});

it('duel --markdown under a file is refused before any agent starts', async () => {
  const { runCli } = await import('../helpers/cli.js');
  const r = await runCli(['duel', '--a', 'false', '--b', 'false', '--markdown', join(repo, 'package.json', 'x.md')]);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/--markdown .*package\.json is a file, not a directory/);
});
