/** `virtax advise RESULTS... --profile P.json`: where an application should run, and what it costs. */
import { loadHostSet } from '../../analysis/hostset.js';
import { compareHosts } from '../../analysis/pipeline.js';
import { analyseInWorkers, type ParallelOptions } from '../../analysis/workers.js';
import { formatAdvice } from '../../advise/advise.js';
import { APP_WORKLOADS, formatAppPrediction, ownTimeFigures, predictApp, type AppPrediction, type FleetCosts } from '../../advise/app.js';
import { loadAppProfile } from '../../record/io.js';
import { loadProfile } from '../../advise/profile.js';
import type { Advice } from '../../advise/types.js';
import { InputError } from '../../errors.js';
import { hostSetOptionsOf, type CliCommand } from '../command.js';

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

/** Advice for a profile through the analysis pipeline: each host compared once, the overall re-weighted. */
export async function adviceFrom(args: AdviseArgs & { profile: string }, o: ParallelOptions = {}): Promise<Advice> {
  const set = loadHostSet(args.results, hostSetOptionsOf(args));
  const profile = loadProfile(args.profile);
  return (await analyseInWorkers(set, { profile, now: new Date(), ...o })).advice as Advice;
}

/**
 * `--cost LABEL=N` (repeatable) as costs per host. Every LABEL must be one of the results' labels (a cost for a
 * host that is not there is a typo, not a choice), and costs need --fleet to price a fleet.
 */
function costsFrom(
  cost: string[] | undefined,
  unit: string | undefined,
  labels: readonly string[],
  fleet: number | undefined,
): FleetCosts | null {
  if (!cost?.length) {
    if (unit !== undefined) throw new InputError('--cost-unit: give the costs too (--cost LABEL=N for each host)');
    return null;
  }
  if (fleet === undefined)
    throw new InputError('--cost: give --fleet N too (the hosts of the baseline kind today): a cost per host prices a fleet');
  const perHost: Record<string, number> = {};
  for (const c of cost) {
    const m = /^(.+)=(\d+(?:\.\d+)?)$/.exec(String(c));
    if (!m) throw new InputError(`--cost: expected LABEL=NUMBER (got "${c}")`);
    const label = m[1] as string;
    if (!labels.includes(label))
      throw new InputError(`--cost ${c}: no results file has the label "${label}" (labels: ${labels.join(', ')})`);
    perHost[label] = Number(m[2]);
  }
  return { perHost, unit: unit ?? null };
}

/** The predicted slowdown of a recorded application on every host (src/advise/app.ts). */
export function appPredictionFrom(args: AdviseArgs & { app: string }): AppPrediction {
  const app = loadAppProfile(args.app);
  if (args.fleet !== undefined && !(Number.isInteger(args.fleet) && args.fleet > 0))
    throw new InputError('--fleet: expected a positive whole number of hosts');
  const set = loadHostSet(args.results, hostSetOptionsOf(args));
  if (set.groups.length < 2) throw new InputError('advise --app needs the baseline and at least one other results file');
  const costs = costsFrom(
    args.cost,
    args.costUnit,
    set.groups.map((g) => g.label),
    args.fleet,
  );
  const compared = compareHosts({ ...set, opts: { ...set.opts, onlyIds: APP_WORKLOADS } }, null);
  const ownTime = Object.fromEntries(set.groups.map((g) => [g.label, ownTimeFigures(g.runs)]));
  return predictApp(
    app,
    compared.map((h) => h.comparison),
    set.base.label,
    args.fleet ?? null,
    costs,
    ownTime,
  );
}

export const adviseCommand: CliCommand = {
  command: 'advise <results..>',
  describe: 'Placement advice for an application profile: weighted overhead, tail, security, hosts and cost',
  builder: (y) =>
    y
      .positional('results', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'Results files; the first is the baseline unless --baseline',
      })
      .option('profile', { type: 'string', describe: 'Application profile JSON (schema/profile.v1.json; examples/profiles/)' })
      .option('app', { type: 'string', describe: 'A recorded application (virtax record): predict its slowdown on each host' })
      .option('fleet', { type: 'number', describe: 'With --app: hosts of the baseline kind the application needs today' })
      .option('cost', {
        type: 'string',
        array: true,
        describe: 'With --app --fleet: cost of one host, LABEL=N (repeatable; LABEL is a results label)',
      })
      .option('cost-unit', { type: 'string', describe: 'Unit of --cost (e.g. USD/month)' })
      .conflicts('profile', 'app')
      .check((a) => {
        if (!a.profile && !a.app) throw new InputError('give --profile P.json (category weights) or --app app.json (virtax record)');
        if (a.profile && (a.cost !== undefined || a.fleet !== undefined || a['cost-unit'] !== undefined)) {
          throw new InputError(
            '--cost, --cost-unit and --fleet go with --app; a --profile gives its fleet and costs in fleetSize and costPerHost',
          );
        }
        return true;
      })
      .example('virtax advise metal.json vm.json --profile examples/profiles/database.json', 'placement advice for a hand-written profile')
      .example(
        'virtax advise host.json gvisor.json --app app.json --fleet 40 --cost host=310 --cost gvisor=280 --cost-unit USD/month',
        'predicted slowdown of a recorded application, and the hosts it needs',
      )
      .option('baseline', { type: 'string', describe: 'Label of the baseline results file (default: the first file)' })
      .option('noise', { type: 'string', default: '1%', describe: 'Noise threshold δ' })
      .option('seed', { type: 'number', describe: 'Bootstrap seed (default 1)' })
      .option('resamples', { type: 'number', describe: 'Bootstrap resamples (default 10,000)' })
      .option('json', { type: 'boolean', describe: 'Print the advice as JSON' })
      .example(
        'virtax advise metal.json vm.json ctr.json --profile examples/profiles/database.json',
        'where a database should run, hosts needed and cost',
      )
      .example('virtax advise metal.json vm.json --profile examples/profiles/api-gateway.json --json', 'the advice as JSON'),
  run: async (args: AdviseArgs) => {
    if (args.app) {
      const p = appPredictionFrom({ ...args, app: args.app });
      process.stdout.write(args.json ? `${JSON.stringify(p, null, 2)}\n` : `${formatAppPrediction(p)}\n`);
      return 0;
    }
    const a = await adviceFrom({ ...args, profile: args.profile as string });
    process.stdout.write(args.json ? `${JSON.stringify(a, null, 2)}\n` : `${formatAdvice(a)}\n`);
    return 0;
  },
};
