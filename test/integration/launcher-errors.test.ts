/**
 * The guest launchers (scripts/uml-agent.sh, gvisor-agent.sh, podman-agent.sh) say what is missing in one line
 * and exit 2, and answer --help. Runs everywhere: the tools are hidden by a PATH that holds only the basics.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAUNCHER } from '../helpers/guests.js';

/** A PATH with the shell basics the launchers use and, of the guest tools, only `extra`. */
function bareBin(extra: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'virtax-bin-'));
  for (const tool of [
    'bash',
    'sh',
    'dirname',
    'id',
    'node',
    'cat',
    'sed',
    'mktemp',
    'rm',
    'hostname',
    'mkdir',
    'awk',
    'basename',
    ...extra,
  ]) {
    const at = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (at) symlinkSync(at, join(dir, tool));
  }
  return dir;
}

function launch(script: string, args: string[], path: string) {
  return spawnSync(script, args, { encoding: 'utf8', env: { ...process.env, PATH: path }, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe.skipIf(process.platform !== 'linux')('guest launchers', () => {
  it.each([
    ['uml', /^uml-agent: linux \(User-Mode Linux\) not found; install the Debian package user-mode-linux$/],
    ['gvisor', /^gvisor-agent: runsc \(gVisor\) not found; install the Debian package runsc$/],
    ['podman', /^podman-agent: (podman not found; install the Debian package podman|needs root .*)$/],
  ] as const)('%s: a missing tool is one line on stderr and exit 2', (guest, line) => {
    const r = launch(LAUNCHER[guest], ['agent'], bareBin());
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toMatch(line);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.skipIf(process.getuid?.() !== 0 || spawnSync('sh', ['-c', 'command -v podman']).status !== 0)(
    'podman: runc missing is named too',
    () => {
      const r = launch(LAUNCHER.podman, ['agent'], bareBin(['podman']));
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toBe('podman-agent: runc not found; install the Debian package runc');
    },
  );

  it.each(['uml', 'gvisor', 'podman'] as const)('%s: --help shows usage and exits 0; an unknown option exits 2', (guest) => {
    const help = launch(LAUNCHER[guest], ['--help'], process.env.PATH ?? '');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: scripts\/\w+-agent\.sh/);
    expect(help.stdout).toMatch(/virtax duel --a/);
    const bad = launch(LAUNCHER[guest], ['--frobnicate'], process.env.PATH ?? '');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown option --frobnicate/);
  });
});
