import { AGGRESSOR_KINDS, defaultWorkers, isAggressorKind, startAggressor } from '../../workloads/aggressor.js';
import { InputError } from '../../errors.js';
import { parseDuration, type CliCommand } from '../command.js';

export interface AggressorArgs {
  kind: string;
  seconds: number;
  workers?: number;
  /** Duty cycle: load for this long, then idle for --off, repeated (durations: 2s, 500ms). */
  on?: string;
  off?: string;
}

export const aggressorCommand: CliCommand = {
  command: 'aggressor',
  describe: 'Noisy-neighbour load of one kind, bounded in time (stops by itself)',
  builder: (y) =>
    y
      .option('kind', { type: 'string', demandOption: true, choices: [...AGGRESSOR_KINDS], describe: 'what to load' })
      .option('seconds', { type: 'number', default: 10, describe: 'stop after this many seconds (at most 86400)' })
      .option('workers', { type: 'number', describe: 'worker processes (default: one per CPU)' })
      .option('on', {
        type: 'string',
        describe: 'duty cycle: load for this long (2s, 500ms), then idle for --off, repeated; every worker in phase',
      })
      .option('off', { type: 'string', describe: 'duty cycle: idle for this long between loading phases (with --on)' })
      .example('virtax aggressor --kind memory --seconds 60', 'a memory-bandwidth neighbour for one minute')
      .example('virtax aggressor --kind network --workers 1', 'a loopback TCP flood for 10 s')
      .example(
        'virtax aggressor --kind cpu --on 2s --off 3s --seconds 600',
        'an intermittent neighbour on all cores: 2 s busy, 3 s quiet, for 10 minutes',
      ),
  run: async (args: AggressorArgs) => {
    if (!isAggressorKind(args.kind)) throw new InputError(`--kind: expected one of ${AGGRESSOR_KINDS.join(', ')}`);
    if (!(args.seconds > 0 && args.seconds <= 86400)) throw new InputError('--seconds: expected a number above 0 and at most 86400');
    const workers = args.workers ?? defaultWorkers();
    if (!Number.isInteger(workers) || workers < 1 || workers > 1024)
      throw new InputError('--workers: expected a whole number from 1 to 1024');
    if ((args.on === undefined) !== (args.off === undefined))
      throw new InputError('--on and --off: give both (a duty cycle) or neither (always on)');
    const duty =
      args.on !== undefined && args.off !== undefined
        ? { onSeconds: parseDuration(args.on, 'on'), offSeconds: parseDuration(args.off, 'off') }
        : null;
    if (duty && !(duty.onSeconds > 0)) throw new InputError('--on: expected a duration above 0');
    const a = startAggressor({ kind: args.kind, seconds: args.seconds, workers, ...(duty ? { duty } : {}) });
    const cycle = duty ? `, on ${duty.onSeconds} s / off ${duty.offSeconds} s in phase` : '';
    process.stderr.write(`aggressor ${a.kind}: ${workers} worker(s) for ${args.seconds} s${cycle} (Ctrl-C stops early)\n`);
    let signalled = '';
    const onSignal = (sig: NodeJS.Signals): void => {
      signalled = sig;
      void a.stop();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const reports = await a.done;
      const ops = reports.reduce((s, r) => s + r.operations, 0);
      const secs = Math.max(0, ...reports.map((r) => r.seconds));
      const phases = duty ? `, ${Math.max(0, ...reports.map((r) => r.onPhases))} loading phase(s)` : '';
      process.stderr.write(
        `aggressor ${a.kind}: stopped${signalled ? ` by ${signalled}` : ''} after ${secs.toFixed(1)} s, ${ops.toExponential(3)} operations${phases}\n`,
      );
      return 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
