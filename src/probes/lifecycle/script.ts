/**
 * A user's own platform for `virtax lifecycle --launcher NAME=SCRIPT`: an executable speaking the launcher contract
 * (docs/lifecycle.md, example in examples/lifecycle/process-launcher.sh):
 *
 *   SCRIPT check                 exit 0 when instances can be launched here, printing nothing or one JSON object
 *                                of the parameters that dominate the figures (recorded in the results file);
 *                                any other exit: the platform is skipped, with the output's last line as reason
 *   SCRIPT start ID ready|node   launch instance ID detached, running inside `sh -c "$VIRTAX_LIFECYCLE_PROGRAM;
 *                                exec sleep infinity"`; the program writes the byte 0x06 to its stdout, which must
 *                                reach the script's stdout (the host times the start until that byte arrives). The
 *                                script may exit once the instance runs or stay; its own process is not counted
 *   SCRIPT pids ID               print the host PIDs of every process of the instance (whitespace-separated)
 *   SCRIPT stop ID               ask the instance to stop (the host waits until those PIDs are gone)
 */
import { execFile } from 'node:child_process';
import { InputError } from '../../errors.js';
import { payloadProgram } from './builtin.js';
import type { Instance, Launcher } from './launcher.js';
import { spawnUntilReady } from './spawn-ready.js';

const NAME = /^[a-z][a-z0-9-]{0,40}$/;

/** `NAME=SCRIPT` as given to --launcher; InputError (exit 2) when malformed. */
export function parseLauncherSpec(spec: string): { name: string; script: string } {
  const eq = spec.indexOf('=');
  const name = eq > 0 ? spec.slice(0, eq) : '';
  const script = eq > 0 ? spec.slice(eq + 1) : '';
  if (!NAME.test(name) || !script)
    throw new InputError(`--launcher: expected NAME=SCRIPT with NAME in lower case letters, digits and dashes (got "${spec}")`);
  return { name, script };
}

function call(script: string, args: readonly string[], timeoutMs: number): Promise<{ code: number; out: string; stdout: string }> {
  return new Promise((resolve) => {
    execFile(script, [...args], { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 127) : 0;
      const reason = err && !stdout && !stderr ? err.message : '';
      resolve({ code, out: `${stdout}${stderr}${reason}`.trim(), stdout });
    });
  });
}

const lastLine = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .pop() ?? '';

let serial = 0;

export function scriptLauncher(name: string, script: string, callTimeoutMs = 60_000): Launcher {
  let params: Record<string, unknown> = {};
  return {
    name,
    unavailable: async () => {
      const r = await call(script, ['check'], callTimeoutMs);
      if (r.code !== 0) return `${script} check: ${lastLine(r.out) || `exit ${r.code}`}`;
      const text = r.stdout.trim();
      if (text) {
        try {
          const p: unknown = JSON.parse(text);
          if (p && typeof p === 'object' && !Array.isArray(p)) params = p as Record<string, unknown>;
          else return `${script} check: printed ${text.slice(0, 60)}, not a JSON object`;
        } catch {
          return `${script} check: printed ${text.slice(0, 60)}, not a JSON object`;
        }
      }
      return null;
    },
    params: async () => ({ launcher: script, ...params }),
    start: async (payload, timeoutMs) => {
      const id = `virtax-${process.pid}-${++serial}`;
      try {
        await spawnUntilReady(script, ['start', id, payload], 1, timeoutMs, {
          env: { ...process.env, VIRTAX_LIFECYCLE_PROGRAM: payloadProgram(payload) },
        });
      } catch (e) {
        await call(script, ['stop', id], callTimeoutMs);
        throw e;
      }
      const instance: Instance = {
        hostPids: async () => {
          const r = await call(script, ['pids', id], callTimeoutMs);
          if (r.code !== 0) throw new Error(`${script} pids ${id}: ${lastLine(r.out) || `exit ${r.code}`}`);
          const pids = r.stdout.split(/\s+/).filter(Boolean).map(Number);
          if (pids.some((p) => !(Number.isInteger(p) && p > 0)))
            throw new Error(`${script} pids ${id}: expected process ids, got "${r.stdout.trim().slice(0, 60)}"`);
          return pids;
        },
        stop: async () => {
          const r = await call(script, ['stop', id], callTimeoutMs);
          if (r.code !== 0) throw new Error(`${script} stop ${id}: ${lastLine(r.out) || `exit ${r.code}`}`);
        },
      };
      return instance;
    },
  };
}
