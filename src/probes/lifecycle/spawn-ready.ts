/**
 * Spawning a launch command and waiting for READY_BYTE on one of its output streams: the readiness channel every
 * launcher (built-in or a user's script) shares.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import type { Readable } from 'node:stream';
import { READY_BYTE } from './launcher.js';

export interface Spawned {
  child: ChildProcess;
  /** Resolves when the launch process itself has exited (code or signal); what it started may live on. */
  exited: Promise<void>;
}

/**
 * Start `cmd args` and resolve once READY_BYTE arrives on the stdio stream numbered `channel` (1 stdout, 2 stderr,
 * 3+ extra pipes). Rejects with the launch's own last output line when it exits first, or after `timeoutMs` (the
 * child is then killed). Other output on the channel and on stderr is kept only for that message.
 */
export function spawnUntilReady(
  cmd: string,
  args: readonly string[],
  channel: number,
  timeoutMs: number,
  opts: SpawnOptions = {},
): Promise<Spawned> {
  const stdio: ('ignore' | 'pipe')[] = ['ignore', 'pipe', 'pipe'];
  while (stdio.length <= channel) stdio.push('ignore');
  stdio[channel] = 'pipe';
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(cmd, [...args], { ...opts, stdio });
    } catch (e) {
      reject(new Error(`could not start ${cmd}: ${(e as Error).message}`));
      return;
    }
    let text = '';
    let done = false;
    const exited = new Promise<void>((res) => {
      if (child.exitCode !== null || child.signalCode !== null) res();
      else child.once('exit', () => res());
    });
    const finish = (err: Error | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        reject(err);
      } else resolve({ child, exited });
    };
    const lastLine = () =>
      text
        .replace(/[^\x20-\x7e\n]/g, '')
        .trim()
        .split('\n')
        .filter(Boolean)
        .pop() ?? '';
    const timer = setTimeout(
      () => finish(new Error(`no ready byte within ${Math.round(timeoutMs / 1000)} s${lastLine() ? `: ${lastLine()}` : ''}`)),
      timeoutMs,
    );
    const ready = child.stdio[channel] as Readable | null;
    ready?.on('data', (d: Buffer) => {
      if (d.includes(READY_BYTE)) {
        // Stop reading: nothing more is needed from the channel, and it must not hold the loop open.
        ready.removeAllListeners('data');
        ready.resume();
        finish(null);
      } else text = (text + d.toString('latin1')).slice(-2000);
    });
    for (const i of [1, 2]) {
      if (i === channel) continue;
      (child.stdio[i] as Readable | null)?.on('data', (d: Buffer) => {
        text = (text + d.toString('latin1')).slice(-2000);
      });
    }
    child.on('error', (e) => finish(new Error(`could not start ${cmd}: ${e.message}`)));
    child.on('close', (code, sig) =>
      finish(new Error(`${cmd} exited (${sig ?? `code ${code}`}) before the ready byte${lastLine() ? `: ${lastLine()}` : ''}`)),
    );
  });
}
