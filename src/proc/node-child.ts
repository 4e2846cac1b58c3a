/**
 * Starting Node children that run virtax's own modules (round processes, the loopback peer, aggressor
 * workers, user-task discovery): from TypeScript sources (tests, development) they need tsx; from dist/
 * they do not. `forkSettled` starts one and settles its outcome once. Every child gets --expose-gc (workloads free memory between batches with a minor GC).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runningFromSource = fileURLToPath(import.meta.url).endsWith('.ts');

/** Node options for a child that runs our modules. */
export function childExecArgv(): string[] {
  return runningFromSource ? ['--import', 'tsx', '--expose-gc'] : ['--expose-gc'];
}

/** The path of module `name` in the folder of `from` (the caller's import.meta.url), .ts or .js as we run. */
export function moduleBeside(name: string, from: string): string {
  return fileURLToPath(new URL(`./${name}${runningFromSource ? '.ts' : '.js'}`, from));
}

/** How one of our children ended, as `forkSettled` hands it to the caller to turn into an outcome. */
export interface ChildEnd {
  /** Exit code and signal when it exited; both null when it could not start (`error` says why). */
  code: number | null;
  signal: NodeJS.Signals | null;
  error: Error | null;
  /** The last line it wrote to stderr (when stderr is piped), '' when none. */
  lastStderr: string;
}

export interface ForkSettledOptions<R> {
  /** Arguments after the module. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** stdio; stderr (index 2) 'pipe' keeps its last line for `ChildEnd.lastStderr`. Default: ignore, ignore, pipe, ipc. */
  stdio?: ('ignore' | 'pipe' | 'inherit' | 'ipc')[];
  detached?: boolean;
  serialization?: 'json' | 'advanced';
  /** The deadline: `onTimeout`'s outcome settles it (restartable with `restartTimer`). */
  timeoutMs: number;
  onTimeout: () => R;
  /** It ended (exited, or could not start) before anything settled it. */
  onEnd: (end: ChildEnd) => R;
  /** A message from it; `settle` ends the wait with an outcome. */
  onMessage: (message: unknown, settle: (r: R) => void) => void;
  /** Kill it when it settles while still running (default true; the loopback peer lives on after it answers). */
  killOnSettle?: (r: R) => boolean;
}

/**
 * Fork one of our own modules (src/proc/node-child.ts's exec arguments) and settle what came of it exactly once:
 * the first of an outcome its messages give, its end (an exit or a failure to start, with its last stderr line),
 * the deadline, or the caller's `settle` (an abort). The one way the round executor, user-task discovery and the
 * loopback peer start and settle a child. (The aggressor's workers run for a set time and report as they exit:
 * `startAggressor` waits for each exit instead.)
 */
export function forkSettled<R>(
  module: string,
  o: ForkSettledOptions<R>,
): { child: ChildProcess; result: Promise<R>; settle: (r: R) => void; isSettled: () => boolean; restartTimer: (ms: number) => void } {
  const child = fork(module, o.args ?? [], {
    execArgv: childExecArgv(),
    stdio: o.stdio ?? ['ignore', 'ignore', 'pipe', 'ipc'],
    ...(o.detached ? { detached: true } : {}),
    ...(o.serialization ? { serialization: o.serialization } : {}),
    ...(o.env ? { env: o.env } : {}),
  });
  let stderr = '';
  let settled = false;
  let resolveResult: (r: R) => void = () => {};
  const result = new Promise<R>((res) => (resolveResult = res));
  const settle = (r: R) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    if ((o.killOnSettle?.(r) ?? true) && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    resolveResult(r);
  };
  let timer = setTimeout(() => settle(o.onTimeout()), o.timeoutMs);
  const restartTimer = (ms: number) => {
    if (settled) return;
    clearTimeout(timer);
    timer = setTimeout(() => settle(o.onTimeout()), ms);
  };
  const last = () => stderr.trim().split('\n').filter(Boolean).pop() ?? '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  child.on('message', (m) => o.onMessage(m, settle));
  child.on('error', (error) => settle(o.onEnd({ code: null, signal: null, error, lastStderr: last() })));
  child.on('exit', (code, signal) => settle(o.onEnd({ code, signal, error: null, lastStderr: last() })));
  return { child, result, settle, isSettled: () => settled, restartTimer };
}
