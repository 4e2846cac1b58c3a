/** `virtax advise RESULTS... --profile P.json`: where an application should run, and what it costs. */
import { loadHostSet } from '../../analysis/hostset.js';
import { compareHosts } from '../../analysis/pipeline.js';
import { analyseInWorkers, type ParallelOptions } from '../../analysis/workers.js';
import { formatAdvice } from '../../advise/advise.js';
import { APP_WORKLOADS, formatAppPrediction, ownTimeFigures, predictApp, type AppPrediction, type FleetCosts } from '../../advise/app.js';
import { loadAppProfile } from '../../probes/record/io.js';
import { loadProfileParts } from '../../advise/profile.js';
import { checkDensityNeeds, formatDensityAdvice, sizeByMemory, type DensityAdvice, type DensityNeeds } from '../../advise/density.js';
import { loadResults } from '../../results/io.js';
import { isLifecycleFile } from '../../results/lifecycle.js';
import type { Advice, Profile } from '../../advise/types.js';
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
  instances?: number;
  hostMemory?: number;
  instanceMemory?: number;
  json?: boolean;
}

/** Advice for a profile through the analysis pipeline: each host compared once, the overall re-weighted. */
export async function adviceFrom(args: AdviseArgs, profile: Profile, o: ParallelOptions = {}): Promise<Advice> {
  const set = loadHostSet(args.results, hostSetOptionsOf(args));
  return (await analyseInWorkers(set, { profile, now: new Date(), ...o })).advice as Advice;
}

/** What `advise --profile` or `--instances` answers: placement advice, sizing by memory, or both (src/advise/density.ts). */
export interface AdviseAnswer {
  advice: Advice | null;
  density: DensityAdvice | null;
  notes: string[];
}

/**
 * A profile's answers. With instances (profile or --instances), the lifecycle files among the results size the
 * fleet by memory; with weights or resembled workloads, the other files give placement advice as before.
 */
export async function adviseAnswer(args: AdviseArgs, o: ParallelOptions = {}): Promise<AdviseAnswer> {
  const flags: DensityNeeds | null =
    args.instances !== undefined
      ? checkDensityNeeds({ instances: args.instances, hostMemoryGiB: args.hostMemory, instanceMemoryMiB: args.instanceMemory }, 'advise')
      : null;
  const parts = args.profile ? loadProfileParts(args.profile) : { performance: null, density: flags };
  if (!parts.density) return { advice: await adviceFrom(args, parts.performance as Profile, o), density: null, notes: [] };
  const files = args.results.map((path) => ({ path, file: loadResults(path) }));
  const others = files.filter((x) => !isLifecycleFile(x.file)).map((x) => x.path);
  const notes: string[] = [];
  let advice: Advice | null = null;
  if (parts.performance) {
    if (others.length >= 2) advice = await adviceFrom({ ...args, results: others }, parts.performance, o);
    else notes.push('no placement advice: the profile weighs work too, but fewer than two performance results files were given');
  }
  const sized = parts.performance ? files.filter((x) => isLifecycleFile(x.file)) : files;
  return {
    advice,
    density: sizeByMemory(
      sized.map((x) => x.file),
      parts.density,
    ),
    notes,
  };
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
      .option('instances', {
        type: 'number',
        describe: 'Size a fleet by memory: instances to run (with lifecycle files, virtax lifecycle)',
      })
      .option('host-memory', { type: 'number', describe: 'With --instances: memory of one host, GiB' })
      .option('instance-memory', {
        type: 'number',
        describe: "With --instances: the application's own memory per instance, MiB (default 0: idle)",
      })
      .conflicts('profile', 'app')
      .conflicts('instances', ['profile', 'app'])
      .check((a) => {
        if (!a.profile && !a.app && a.instances === undefined)
          throw new InputError(
            'give --profile P.json (category weights), --app app.json (virtax record) or --instances N --host-memory GiB (lifecycle files)',
          );
        if (a.instances !== undefined && a['host-memory'] === undefined)
          throw new InputError('--instances: give --host-memory GiB too (the memory of one host)');
        if (a.instances === undefined && (a['host-memory'] !== undefined || a['instance-memory'] !== undefined))
          throw new InputError('--host-memory and --instance-memory go with --instances N');
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
      .example('virtax advise metal.json vm.json --profile examples/profiles/api-gateway.json --json', 'the advice as JSON')
      .example(
        'virtax advise results/lifecycle/*.json --instances 2000 --host-memory 16 --instance-memory 40',
        'instances per 16 GiB host and hosts for 2,000 instances on each platform (virtax lifecycle files)',
      ),
  run: async (args: AdviseArgs) => {
    if (args.app) {
      const p = appPredictionFrom({ ...args, app: args.app });
      process.stdout.write(args.json ? `${JSON.stringify(p, null, 2)}\n` : `${formatAppPrediction(p)}\n`);
      return 0;
    }
    const a = await adviseAnswer(args);
    if (!a.density) {
      const advice = a.advice as Advice;
      process.stdout.write(args.json ? `${JSON.stringify(advice, null, 2)}\n` : `${formatAdvice(advice)}\n`);
      return 0;
    }
    if (args.json) {
      process.stdout.write(`${JSON.stringify(a, null, 2)}\n`);
      return 0;
    }
    const text = [a.advice ? formatAdvice(a.advice) : null, formatDensityAdvice(a.density), ...a.notes.map((n) => `Note: ${n}`)];
    process.stdout.write(`${text.filter((t) => t !== null).join('\n\n')}\n`);
    return 0;
  },
};
