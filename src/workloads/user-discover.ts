/**
 * Learning a user module's tasks without loading it into the probe: a child process imports it and answers with
 * the task names and units (src/workloads/user.ts). A module that throws, exports nothing usable, crashes its
 * process or hangs past the time limit becomes a placeholder workload that fails with the reason.
 */
import { InputError } from '../errors.js';
import { forkSettled, moduleBeside } from '../proc/node-child.js';
import { WorkloadRegistry } from './registry.js';
import type { ResultsFile } from '../types.js';
import type { AnyWorkload } from './types.js';
import {
  DEFAULT_BATCH_TIMEOUT_SECONDS,
  moduleSha256,
  resolveModule,
  specsOf,
  userWorkload,
  type Discovery,
  type UserTaskSpec,
} from './user.js';

/** The child's entry (its own small file, user-discover-child.ts). */
const CHILD_MODULE = moduleBeside('user-discover-child', import.meta.url);
const STARTUP_MS = 120_000;

/** Load `modulePath` in a fresh process and list its tasks, within `timeoutSeconds`. */
export function discoverModule(modulePath: string, timeoutSeconds: number): Promise<Discovery> {
  // The limit counts from when the child is ready to import (its own start-up on a busy host does not count),
  // with a generous bound on the start-up itself.
  const { result, restartTimer } = forkSettled<Discovery>(CHILD_MODULE, {
    args: [modulePath],
    env: { ...process.env },
    timeoutMs: STARTUP_MS + timeoutSeconds * 1000,
    onTimeout: () => ({ status: 'failed', reason: `did not finish loading within ${timeoutSeconds} s` }),
    onEnd: (e) =>
      e.error
        ? { status: 'failed', reason: `could not start a process to load it: ${e.error.message}` }
        : {
            status: 'failed',
            reason: `does not load: its process exited (${e.signal ?? `code ${e.code}`})${e.lastStderr ? `: ${e.lastStderr}` : ''}`,
          },
    onMessage: (m, settle) => {
      if (m === 'ready') restartTimer(timeoutSeconds * 1000);
      else settle(m as Discovery);
    },
  });
  return result;
}

/**
 * The task specs of every `--workload` module, in the order given. Throws (one line) only for a path that is not a
 * file; everything else about a module becomes a failing placeholder so the run goes on.
 */
export async function prepareUserTasks(
  modules: readonly string[],
  batchTimeoutSeconds: number,
  cwd = process.cwd(),
): Promise<UserTaskSpec[]> {
  const taken = new Set<string>();
  const out: UserTaskSpec[] = [];
  for (const shown of modules) {
    let abs: string;
    try {
      abs = resolveModule(shown, cwd);
    } catch (e) {
      throw new InputError((e as Error).message);
    }
    const sha = moduleSha256(abs);
    const found = await discoverModule(abs, batchTimeoutSeconds);
    out.push(...specsOf(shown, abs, sha, found, batchTimeoutSeconds, taken));
  }
  return out;
}

/** The tasks of the --workload modules (none without), with the per-batch time limit (--workload-timeout) checked. */
export async function userTasksOf(modules: readonly string[], timeoutSeconds: number | undefined): Promise<UserTaskSpec[]> {
  if (timeoutSeconds !== undefined && !(Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 && timeoutSeconds <= 3600)) {
    throw new InputError('--workload-timeout: expected seconds, more than 0 and at most 3600');
  }
  return modules.length ? prepareUserTasks(modules, timeoutSeconds ?? DEFAULT_BATCH_TIMEOUT_SECONDS) : [];
}

/**
 * The workloads of a run with user modules: `--workload` tasks always run; `--only` picks the built-ins beside them
 * (`--only user` for none), and `--only user.<name>` narrows the user tasks too.
 */
export function withUserWorkloads(
  builtins: (only: string[] | null) => AnyWorkload[],
  only: string[] | null,
  specs: readonly UserTaskSpec[],
): AnyWorkload[] {
  const user = specs.map(userWorkload);
  if (user.length === 0) return builtins(only);
  if (!only) return [...builtins(null), ...user];
  const isUser = (p: string) => p === 'user' || p.startsWith('user.');
  const userPatterns = only.filter(isUser);
  const others = only.filter((p) => !isUser(p) && p.trim() !== '');
  let chosen = user;
  if (userPatterns.length) {
    try {
      chosen = new WorkloadRegistry(user).select(userPatterns);
    } catch (e) {
      throw new InputError(
        `${(e as Error).message.replace(/ \(see `virtax list`\)$/, '')} among the --workload tasks (${user.map((w) => w.id).join(', ')})`,
      );
    }
  }
  return [...(others.length ? builtins(others) : []), ...chosen];
}

/** The file with the run's user modules recorded in its config (for `--resume`); unchanged without modules. */
export function withModules(file: ResultsFile, modules: readonly string[]): ResultsFile {
  if (modules.length) file.config.workloadModules = [...modules];
  return file;
}

/**
 * A run being resumed must go on with the same module content: the rounds it holds came from the module as it
 * was. Throws (one line, exit 2) when a task's module hash now differs from the one its rows recorded.
 */
export function checkResumable(resume: ResultsFile, specs: readonly UserTaskSpec[]): void {
  for (const w of resume.workloads) {
    if (w.status !== 'ok' || w.category !== 'user') continue;
    const spec = specs.find((s) => s.id === w.id);
    if (spec && typeof w.params.moduleSha256 === 'string' && w.params.moduleSha256 !== spec.moduleSha256) {
      throw new InputError(`--resume: ${spec.moduleShown} changed since the interrupted run (${w.id}); start a new run`);
    }
  }
}
