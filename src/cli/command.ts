/** The shape of one CLI command: yargs builder plus a handler that resolves to an exit code. */
import type { Argv } from 'yargs';
import type { HostSetOptions } from '../analysis/hostset.js';
import { InputError } from '../errors.js';

export interface CliCommand {
  command: string | string[];
  describe: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  builder: (y: Argv) => Argv<any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  run: (args: any) => Promise<number>;
}

/** Parse a percentage flag: "5%" and "5" both mean five percent. */
export function parsePercent(value: string | number, flag: string): number {
  const s = String(value).trim();
  const m = /^(-?\d+(?:\.\d+)?)\s*%?$/.exec(s);
  if (!m) throw new InputError(`--${flag}: expected a percentage like 5% (got "${s}")`);
  return Number(m[1]);
}

/** Parse a duration flag in seconds: "2s", "500ms", "1.5m" and a bare "2" (seconds). */
export function parseDuration(value: string | number, flag: string): number {
  const s = String(value).trim();
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(s);
  if (!m) throw new InputError(`--${flag}: expected a duration like 2s or 500ms (got "${s}")`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n / 1000 : m[2] === 'm' ? n * 60 : n;
}

/** `--baseline`, `--noise`, `--seed`, `--resamples` (shared by report and advise) as host-set options. */
export function hostSetOptionsOf(args: { baseline?: string; noise: string | number; seed?: number; resamples?: number }): HostSetOptions {
  return {
    noisePct: parsePercent(args.noise, 'noise'),
    ...(args.baseline !== undefined ? { baseline: args.baseline } : {}),
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
    ...(args.resamples !== undefined ? { resamples: args.resamples } : {}),
  };
}
