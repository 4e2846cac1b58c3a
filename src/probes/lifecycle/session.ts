/**
 * `virtax lifecycle` short of printing: the flags checked (InputError, exit 2), the launchers resolved (built-in
 * names, `--launcher NAME=SCRIPT`), the host fingerprinted, the platforms measured by runLifecycle (run.ts), and
 * one results file per platform written atomically after every task (an interrupted run keeps what it measured).
 */
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import { processInterrupt, type Interrupt } from '../../proc/interrupt.js';
import { fingerprint as hostFingerprint } from '../host/fingerprint.js';
import { checkOutputFile, plannedDirs, writeOutputs } from '../../results/output.js';
import type { Fingerprint, ResultsFile } from '../../types.js';
import { VERSION } from '../../version.js';
import { BUILTIN_PLATFORMS, builtinLauncher, DEFAULT_UML_MEM, isBuiltinPlatform } from './builtin.js';
import type { Launcher } from './launcher.js';
import { checkLifecycleOptions, runLifecycle, type LifecycleEvent, type LifecycleProbe } from './run.js';
import { parseLauncherSpec, scriptLauncher } from './script.js';

export const DEFAULT_INSTANCES = [1, 4, 16] as const;
export const DEFAULT_LIFECYCLE_ROUNDS = 5;

export interface LifecycleRequest {
  /** Platform names: built-in ones, or NAMEs given by `launchers`. */
  platforms: string[];
  /** `NAME=SCRIPT` specs of a user's own launchers; their NAMEs are measured even when `platforms` leaves them out. */
  launchers?: string[];
  rounds?: number;
  /** Instance counts for life.memory: "1,4,16" or numbers. */
  instances?: string | number[];
  label?: string;
  /** A .json file (one platform) or a directory (default results/) for `<label>.json` per platform. */
  out?: string;
  /** Measure life.start-node (default true). */
  node?: boolean;
  seed?: number;
  /** UML guest memory (mem=), e.g. 256M. */
  umlMem?: string;
  settleMs?: number;
}

export interface LifecycleDeps {
  fingerprint?: () => Promise<Fingerprint>;
  probe?: LifecycleProbe;
  /** The launcher of a name (tests give fakes); built-ins and scripts otherwise. */
  launcherOf?: (name: string, script: string | null) => Launcher;
  interrupt?: () => Interrupt;
  onEvent?: (e: LifecycleEvent) => void;
  date?: () => Date;
}

export interface LifecycleOutcome {
  files: { path: string; file: ResultsFile }[];
  interrupted: boolean;
  seconds: number;
}

/** "1,4,16" as ascending whole numbers; InputError otherwise. */
export function parseInstances(v: string | number[] | undefined): number[] {
  if (v === undefined) return [...DEFAULT_INSTANCES];
  const parts = Array.isArray(v)
    ? v.map(String)
    : String(v)
        .split(',')
        .map((s) => s.trim());
  const ns = parts.map(Number);
  if (parts.some((p) => !/^\d+$/.test(p)) || ns.some((n) => n < 1 || n > 256))
    throw new InputError(`--instances: expected instance counts from 1 to 256 such as 1,4,16 (got "${parts.join(',')}")`);
  if (new Set(ns).size < 2)
    throw new InputError(
      `--instances: give at least two different counts, to fit a fixed and a per-instance cost (got "${parts.join(',')}")`,
    );
  return [...new Set(ns)].sort((a, b) => a - b);
}

function fileSafe(label: string): string {
  return label.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** The label of each platform's file: `<platform>-lifecycle`; `--label L` names the one platform, or prefixes several. */
export function labelsOf(platforms: readonly string[], label: string | undefined): (p: string) => string {
  if (label === undefined) return (p) => `${p}-lifecycle`;
  if (!label.trim() || label.length > 200) throw new InputError('--label: expected a non-empty label of at most 200 characters');
  return platforms.length === 1 ? () => label : (p) => `${label}-${p}`;
}

export async function lifecycleSession(req: LifecycleRequest, deps: LifecycleDeps = {}): Promise<LifecycleOutcome> {
  const started = Date.now();
  const scripts = new Map<string, string>();
  for (const spec of req.launchers ?? []) {
    const { name, script } = parseLauncherSpec(spec);
    if (isBuiltinPlatform(name))
      throw new InputError(`--launcher ${spec}: ${name} is a built-in platform; give your own a name of its own`);
    if (scripts.has(name)) throw new InputError(`--launcher: ${name} is given twice`);
    scripts.set(name, script);
  }
  const platforms = [...new Set([...req.platforms, ...scripts.keys()])];
  if (platforms.length === 0)
    throw new InputError(`--platform: name at least one of ${BUILTIN_PLATFORMS.join(', ')} (or add --launcher NAME=SCRIPT)`);
  for (const p of platforms) {
    if (!isBuiltinPlatform(p) && !scripts.has(p))
      throw new InputError(
        `--platform ${p}: not a built-in platform (${BUILTIN_PLATFORMS.join(', ')}) nor given by --launcher ${p}=SCRIPT`,
      );
  }
  const rounds = req.rounds ?? DEFAULT_LIFECYCLE_ROUNDS;
  if (!(Number.isInteger(rounds) && rounds >= 1 && rounds <= 1000))
    throw new InputError('--rounds: expected a whole number from 1 to 1000');
  const instances = parseInstances(req.instances);
  if (req.seed !== undefined && !Number.isInteger(req.seed)) throw new InputError('--seed: expected a whole number');
  const umlMem = req.umlMem ?? DEFAULT_UML_MEM;
  if (!/^\d+[KMG]?$/i.test(umlMem)) throw new InputError(`--uml-mem: expected a size such as 256M (got "${umlMem}")`);
  if (req.settleMs !== undefined && !(Number.isFinite(req.settleMs) && req.settleMs >= 0 && req.settleMs <= 60_000))
    throw new InputError('--settle-ms: expected milliseconds from 0 to 60000');
  const labelOf = labelsOf(platforms, req.label);

  const out = req.out ?? 'results';
  let pathOf: (label: string) => string;
  if (out.endsWith('.json')) {
    if (platforms.length > 1)
      throw new InputError(`--out ${out}: one file holds one platform; name a directory for ${platforms.length} platforms`);
    checkOutputFile(out, '--out');
    pathOf = () => out;
  } else {
    plannedDirs(out, '--out');
    pathOf = (label) => join(out, `${fileSafe(label)}.json`);
  }

  const launcherOf =
    deps.launcherOf ??
    ((name: string, script: string | null) => (script ? scriptLauncher(name, script) : builtinLauncher(name as never, { umlMem })));
  const launchers = platforms.map((p) => launcherOf(p, scripts.get(p) ?? null));
  try {
    checkLifecycleOptions({ rounds, instances, launchers });
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  const host = await (deps.fingerprint ?? hostFingerprint)();
  const interrupt = (deps.interrupt ?? processInterrupt)();
  const write = (files: ResultsFile[]) =>
    writeOutputs(files.map((f) => ({ path: pathOf(f.label), data: `${JSON.stringify(f, null, 1)}\n`, flag: '--out' })));
  try {
    const files = await runLifecycle({
      launchers,
      rounds,
      instances,
      node: req.node ?? true,
      seed: req.seed ?? Math.floor(Math.random() * 2 ** 31),
      labelOf,
      host,
      toolVersion: VERSION,
      ...(deps.probe ? { probe: deps.probe } : {}),
      ...(req.settleMs !== undefined ? { settleMs: req.settleMs } : {}),
      ...(deps.onEvent ? { onEvent: deps.onEvent } : {}),
      ...(deps.date ? { date: deps.date } : {}),
      checkpoint: write,
      signal: interrupt.signal,
    });
    write(files);
    return {
      files: files.map((file) => ({ path: pathOf(file.label), file })),
      interrupted: interrupt.signal.aborted,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    interrupt.dispose();
  }
}
