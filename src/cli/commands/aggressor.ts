import { AGGRESSOR_KINDS, defaultWorkers, isAggressorKind, startAggressor } from '../../peers/aggressor.js';
import { InputError } from '../../errors.js';
import type { CliCommand } from '../command.js';

export interface AggressorArgs {
  kind: string;
  seconds: number;
  workers?: number;
}

export const aggressorCommand: CliCommand = {
  command: 'aggressor',
  describe: 'Noisy-neighbour load of one kind, bounded in time (stops by itself)',
  builder: (y) =>
    y
      .option('kind', { type: 'string', demandOption: true, choices: [...AGGRESSOR_KINDS], describe: 'what to load' })
      .option('seconds', { type: 'number', default: 10, describe: 'stop after this many seconds (at most 86400)' })
      .option('workers', { type: 'number', describe: 'worker processes (default: one per CPU)' })
      .example('virtax aggressor --kind memory --seconds 60', 'a memory-bandwidth neighbour for one minute')
      .example('virtax aggressor --kind network --workers 1', 'a loopback TCP flood for 10 s'),
  run: async (args: AggressorArgs) => {
    if (!isAggressorKind(args.kind)) throw new InputError(`--kind: expected one of ${AGGRESSOR_KINDS.join(', ')}`);
    if (!(args.seconds > 0 && args.seconds <= 86400)) throw new InputError('--seconds: expected a number above 0 and at most 86400');
    const workers = args.workers ?? defaultWorkers();
    if (!Number.isInteger(workers) || workers < 1 || workers > 1024) throw new InputError('--workers: expected a whole number from 1 to 1024');
    const a = startAggressor({ kind: args.kind, seconds: args.seconds, workers });
    process.stderr.write(`aggressor ${a.kind}: ${workers} worker(s) for ${args.seconds} s (Ctrl-C stops early)\n`);
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
      process.stderr.write(`aggressor ${a.kind}: stopped${signalled ? ` by ${signalled}` : ''} after ${secs.toFixed(1)} s, ${ops.toExponential(3)} operations\n`);
      return 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
