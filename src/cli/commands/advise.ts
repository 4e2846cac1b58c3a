/** `virtax advise RESULTS... --profile P.json`: where an application should run, and what it costs. */
import { advise, formatAdvice } from '../../advise/advise.js';
import { compareOptionsFor, loadProfile } from '../../advise/profile.js';
import type { Advice } from '../../advise/types.js';
import { InputError } from '../../errors.js';
import { loadResults } from '../../results/io.js';
import type { CompareOptions } from '../../stats/types.js';
import type { ResultsFile } from '../../types.js';
import { compareAgainst, resolveBaseline, type CompareFn } from '../../report/build.js';
import { compareResults } from '../../stats/compare.js';
import { parsePercent, type CliCommand } from '../command.js';

export interface AdviseArgs {
  results: string[];
  profile: string;
  baseline?: string;
  noise: string | number;
  seed?: number;
  resamples?: number;
  json?: boolean;
}

/** The results files, their baseline and the comparison options that `report` and `advise` share. */
export interface HostSet {
  files: ResultsFile[];
  base: ResultsFile;
  noisePct: number;
  opts: CompareOptions;
}

export function hostSetFrom(args: Pick<AdviseArgs, 'results' | 'baseline' | 'noise' | 'seed' | 'resamples'>): HostSet {
  const noisePct = parsePercent(args.noise, 'noise');
  if (args.seed !== undefined && !Number.isInteger(args.seed)) throw new InputError('--seed: expected an integer');
  const files = args.results.map(loadResults);
  const base = resolveBaseline(files, args.baseline);
  const opts = { noisePct, ...(args.seed !== undefined ? { seed: args.seed } : {}), ...(args.resamples !== undefined ? { resamples: args.resamples } : {}) };
  return { files, base, noisePct, opts };
}

/** Advice for a profile: the hosts compared with the profile's weights (or the workloads it resembles). */
export function adviceForProfile(set: HostSet, profilePath: string, compare: CompareFn): Advice {
  const profile = loadProfile(profilePath);
  const comparisons = compareAgainst(set.files, set.base, compare, { ...set.opts, ...compareOptionsFor(profile) });
  return advise({ profile, files: set.files, baseline: set.base.label, comparisons });
}

export function adviceFrom(args: AdviseArgs, compare: CompareFn): Advice {
  const set = hostSetFrom(args);
  return adviceForProfile(set, args.profile, compare);
}

export const adviseCommand: CliCommand = {
  command: 'advise <results..>',
  describe: 'Placement advice for an application profile: weighted overhead, tail, security, hosts and cost',
  builder: (y) =>
    y
      .positional('results', { type: 'string', array: true, demandOption: true, describe: 'Results files; the first is the baseline unless --baseline' })
      .option('profile', { type: 'string', demandOption: true, describe: 'Application profile JSON (schema/profile.v1.json; examples/profiles/)' })
      .option('baseline', { type: 'string', describe: 'Label of the baseline results file (default: the first file)' })
      .option('noise', { type: 'string', default: '1%', describe: 'Noise threshold δ' })
      .option('seed', { type: 'number', describe: 'Bootstrap seed (default 1)' })
      .option('resamples', { type: 'number', describe: 'Bootstrap resamples (default 10,000)' })
      .option('json', { type: 'boolean', describe: 'Print the advice as JSON' })
      .example('virtax advise metal.json vm.json ctr.json --profile examples/profiles/database.json', 'where a database should run, hosts needed and cost')
      .example('virtax advise metal.json vm.json --profile examples/profiles/api-gateway.json --json', 'the advice as JSON'),
  run: async (args: AdviseArgs) => {
    const a = adviceFrom(args, compareResults);
    process.stdout.write(args.json ? `${JSON.stringify(a, null, 2)}\n` : `${formatAdvice(a)}\n`);
    return 0;
  },
};
