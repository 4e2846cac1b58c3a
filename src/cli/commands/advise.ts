/** `virtax advise RESULTS... --profile P.json`: where an application should run, and what it costs. */
import { advise, formatAdvice } from '../../advise/advise.js';
import { APP_WORKLOADS, formatAppPrediction, predictApp, type AppPrediction, type FleetCosts } from '../../advise/app.js';
import { loadAppProfile } from '../../record/io.js';
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
  profile?: string;
  app?: string;
  fleet?: number;
  cost?: string[];
  costUnit?: string;
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

export function adviceFrom(args: AdviseArgs & { profile: string }, compare: CompareFn): Advice {
  const set = hostSetFrom(args);
  return adviceForProfile(set, args.profile, compare);
}

/** `--cost LABEL=N` (repeatable) as costs per host. */
function costsFrom(cost: string[] | undefined, unit: string | undefined): FleetCosts | null {
  if (!cost?.length) return null;
  const perHost: Record<string, number> = {};
  for (const c of cost) {
    const m = /^(.+)=(\d+(?:\.\d+)?)$/.exec(String(c));
    if (!m) throw new InputError(`--cost: expected LABEL=NUMBER (got "${c}")`);
    perHost[m[1] as string] = Number(m[2]);
  }
  return { perHost, unit: unit ?? null };
}

/** The predicted slowdown of a recorded application on every host (src/advise/app.ts). */
export function appPredictionFrom(args: AdviseArgs & { app: string }, compare: CompareFn): AppPrediction {
  const app = loadAppProfile(args.app);
  if (args.fleet !== undefined && !(Number.isInteger(args.fleet) && args.fleet > 0)) throw new InputError('--fleet: expected a positive whole number of hosts');
  const set = hostSetFrom(args);
  if (set.files.length < 2) throw new InputError('advise --app needs the baseline and at least one other results file');
  const comparisons = compareAgainst(set.files, set.base, compare, { ...set.opts, onlyIds: APP_WORKLOADS });
  return predictApp(app, comparisons, set.base.label, args.fleet ?? null, costsFrom(args.cost, args.costUnit));
}

export const adviseCommand: CliCommand = {
  command: 'advise <results..>',
  describe: 'Placement advice for an application profile: weighted overhead, tail, security, hosts and cost',
  builder: (y) =>
    y
      .positional('results', { type: 'string', array: true, demandOption: true, describe: 'Results files; the first is the baseline unless --baseline' })
      .option('profile', { type: 'string', describe: 'Application profile JSON (schema/profile.v1.json; examples/profiles/)' })
      .option('app', { type: 'string', describe: 'A recorded application (virtax record): predict its slowdown on each host' })
      .option('fleet', { type: 'number', describe: 'With --app: hosts of the baseline kind the application needs today' })
      .option('cost', { type: 'string', array: true, describe: 'With --app --fleet: cost of one host, LABEL=N (repeatable)' })
      .option('cost-unit', { type: 'string', describe: 'Unit of --cost (e.g. USD/month)' })
      .conflicts('profile', 'app')
      .check((a) => {
        if (!a.profile && !a.app) throw new InputError('give --profile P.json (category weights) or --app app.json (virtax record)');
        return true;
      })
      .example('virtax advise metal.json vm.json --profile examples/profiles/database.json', 'placement advice for a hand-written profile')
      .example('virtax advise host.json gvisor.json --app app.json --fleet 40 --cost host=310 --cost gvisor=280 --cost-unit USD/month', "predicted slowdown of a recorded application, and the hosts it needs")
      .option('baseline', { type: 'string', describe: 'Label of the baseline results file (default: the first file)' })
      .option('noise', { type: 'string', default: '1%', describe: 'Noise threshold δ' })
      .option('seed', { type: 'number', describe: 'Bootstrap seed (default 1)' })
      .option('resamples', { type: 'number', describe: 'Bootstrap resamples (default 10,000)' })
      .option('json', { type: 'boolean', describe: 'Print the advice as JSON' })
      .example('virtax advise metal.json vm.json ctr.json --profile examples/profiles/database.json', 'where a database should run, hosts needed and cost')
      .example('virtax advise metal.json vm.json --profile examples/profiles/api-gateway.json --json', 'the advice as JSON'),
  run: async (args: AdviseArgs) => {
    if (args.app) {
      const p = appPredictionFrom({ ...args, app: args.app }, compareResults);
      process.stdout.write(args.json ? `${JSON.stringify(p, null, 2)}\n` : `${formatAppPrediction(p)}\n`);
      return 0;
    }
    const a = adviceFrom({ ...args, profile: args.profile as string }, compareResults);
    process.stdout.write(args.json ? `${JSON.stringify(a, null, 2)}\n` : `${formatAdvice(a)}\n`);
    return 0;
  },
};
