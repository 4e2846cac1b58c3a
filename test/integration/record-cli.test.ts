import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SYNTHETIC_METAL_HOST, syntheticResults, type SyntheticWorkload } from '../../src/stats/synthetic.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'virtax-record-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const app = new URL('../../examples/apps/syscall-heavy.mjs', import.meta.url).pathname;
const hasStrace = !spawnSync('strace', ['-V']).error;

const w = (
  id: string,
  category: SyntheticWorkload['category'],
  unit: string,
  figure: number,
  shift: number,
  better: 'lower' | 'higher' = 'lower',
): SyntheticWorkload => ({
  id,
  category,
  better,
  unit,
  figure,
  shift,
  rounds: 8,
  batches: 20,
  roundSd: 0.01,
  batchSd: 0.02,
});
function hostFiles(): { base: string; trapped: string } {
  const base = join(dir, 'base.json');
  const trapped = join(dir, 'trapped.json');
  const set = (shift: number) => [
    w('cpu.int', 'cpu', 'Mops/s', 500, 0, 'higher'),
    w('sys.stat', 'syscall', 'ns/call', 2000, shift),
    w('sys.read', 'syscall', 'ns/call', 700, shift),
    w('mem.pagefault', 'memory', 'ns/page', 3000, 0),
  ];
  writeFileSync(base, JSON.stringify(syntheticResults({ label: 'host', seed: 3, workloads: set(0), host: SYNTHETIC_METAL_HOST })));
  writeFileSync(
    trapped,
    JSON.stringify(
      syntheticResults({
        label: 'trapping-guest',
        seed: 4,
        workloads: set(Math.log(20)),
        host: { ...SYNTHETIC_METAL_HOST, platform: 'vm-in-vm', hypervisor: 'uml' },
      }),
    ),
  );
  return { base, trapped };
}

describe('virtax record -> advise --app', () => {
  it.skipIf(!hasStrace)(
    'records a real application with its syscall mix and predicts a large slowdown where syscalls trap, dominated by stat calls',
    async () => {
      const out = join(dir, 'app.json');
      const r = await runCli(['record', '--syscalls', '--out', out, '--', process.execPath, app, '3000']);
      expect(r.code, r.err).toBe(0);
      const p = JSON.parse(readFileSync(out, 'utf8'));
      expect(p.schema).toBe('virtax.app/v1');
      expect(p.exitCode).toBe(0);
      expect(p.method.syscalls).toBe('strace');
      // 3,000 iterations: 3,000 stat calls and 300 file reads (Node adds its own start-up calls).
      expect(p.totals.readSyscalls).toBeGreaterThan(300);
      expect(p.rates.stat * p.wallSeconds).toBeGreaterThan(3000 * 0.5);
      expect(p.totals.minorFaults).toBeGreaterThan(1000);
      expect(p.totals.cpuUserSeconds + p.totals.cpuSystemSeconds).toBeGreaterThan(0);
      expect(r.out).toMatch(/next: virtax advise/);

      const { base, trapped } = hostFiles();
      const a = await runCli(['advise', base, trapped, '--app', out, '--fleet', '10', '--json']);
      expect(a.code, a.err).toBe(0);
      const pred = JSON.parse(a.out);
      const h = pred.hosts[0];
      expect(h.label).toBe('trapping-guest');
      expect(h.slowdownPct.point).toBeGreaterThan(10);
      expect(h.contributions.find((c: { operationClass: string }) => c.operationClass === 'stat').sharePct).toBeGreaterThan(40);
      expect(h.hosts.point).toBeGreaterThan(10);
      const text = await runCli(['advise', base, trapped, '--app', out]);
      expect(text.out).toMatch(/is stat calls: every syscall traps on this host/);
    },
  );

  it('records without strace too: exact CPU, faults and read/write calls of the whole tree, children included', async () => {
    const out = join(dir, 'sh.json');
    const r = await runCli([
      'record',
      '--out',
      out,
      '--',
      'sh',
      '-c',
      `${process.execPath} -e 0; ${process.execPath} -e 0; cat /etc/hostname >/dev/null`,
    ]);
    expect(r.code, r.err).toBe(0);
    const p = JSON.parse(readFileSync(out, 'utf8'));
    expect(p.method.syscalls).toBeNull();
    expect(p.totals.minorFaults).toBeGreaterThan(2000); // two Node start-ups
    expect(p.rates.stat).toBe(0);
    expect(p.method.notes.join(' ')).toMatch(/--syscalls/);
  });

  it('bad usage and bad input: one line, exit 2, nothing written', async () => {
    const none = await runCli(['record']);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/nothing to record/);
    const missing = await runCli(['record', '--out', join(dir, 'never.json'), '--', 'no-such-command-virtax']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/not found/);
    expect(() => readFileSync(join(dir, 'never.json'))).toThrow();
    const noSeconds = await runCli(['record', '--pid', String(process.pid)]);
    expect(noSeconds.code).toBe(2);
    expect(noSeconds.err).toMatch(/--seconds/);
    const { base, trapped } = hostFiles();
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{"schema": "virtax.app/v1", "name": ');
    const c = await runCli(['advise', base, trapped, '--app', corrupt]);
    expect(c.code).toBe(2);
    expect(c.err.trim().split('\n')).toHaveLength(1);
    const foreign = join(dir, 'foreign.json');
    writeFileSync(foreign, JSON.stringify({ hello: 1 }));
    expect((await runCli(['advise', base, trapped, '--app', foreign])).err).toMatch(/not a virtax application profile/);
    const both = await runCli(['advise', base, trapped, '--app', foreign, '--profile', foreign]);
    expect(both.code).toBe(2);
    const neither = await runCli(['advise', base, trapped]);
    expect(neither.code).toBe(2);
    expect(neither.err).toMatch(/--profile .*, --app .* or --instances/);
  });

  it('attaches to a running process tree with --pid for --seconds', async () => {
    const child = spawn(
      process.execPath,
      ['-e', "const fs=require('fs'); const end=Date.now()+4000; while(Date.now()<end) fs.statSync('/')"],
      { stdio: 'ignore' },
    );
    const pid = child.pid as number;
    const exited = new Promise((r) => child.on('exit', r));
    const out = join(dir, 'attached.json');
    const r = await runCli(['record', '--pid', String(pid), '--seconds', '1', '--out', out]);
    expect(r.code, r.err).toBe(0);
    const p = JSON.parse(readFileSync(out, 'utf8'));
    expect(p.pid).toBe(pid);
    expect(p.command).toBeNull();
    expect(p.totals.cpuUserSeconds + p.totals.cpuSystemSeconds).toBeGreaterThan(0.05);
    child.kill();
    await exited;
  });
});
