import { agentSession } from '../../probes/agent/agent-session.js';
import { VERSION } from '../../version.js';
import type { CliCommand } from '../command.js';
import { userTasksOf } from '../../workloads/user-discover.js';

interface AgentArgs {
  ioDir?: string;
  roundTimeout: number;
  quiet?: boolean;
  workload?: string[];
  workloadTimeout?: number;
}

export const agentCommand: CliCommand = {
  command: 'agent',
  describe: 'A probe driven over stdin/stdout (line-delimited JSON, protocol v1), the other end of `virtax duel`',
  builder: (y) =>
    y
      .option('io-dir', { type: 'string', describe: 'Directory for storage workloads (default: current directory)' })
      .option('round-timeout', {
        type: 'number',
        default: 600,
        describe: 'Seconds after which a round process is killed and the round reported failed',
      })
      .option('quiet', { type: 'boolean', describe: 'No log lines on stderr' })
      .option('workload', {
        type: 'string',
        array: true,
        describe:
          'Your own tinybench module (repeatable): its tasks answer round orders for user.<name> without a userTask (a duel sends the module in each order anyway)',
      })
      .option('workload-timeout', { type: 'number', describe: 'Time limit per batch of a --workload task, seconds (default 30)' })
      .example('virtax agent', 'serve orders on stdin; see docs/duel.md for the protocol')
      .example(`echo '{"v":1,"id":1,"op":"hello"}' | virtax agent`, 'say hello and exit at the end of input'),
  run: async (args: AgentArgs) => {
    const userTasks = await userTasksOf(args.workload ?? [], args.workloadTimeout);
    const ac = new AbortController();
    const log = (line: string) => {
      if (!args.quiet) process.stderr.write(`virtax agent[${process.pid}]: ${line}\n`);
    };
    // Stop on a signal (also needed as PID 1 of a fresh PID namespace, where default actions are ignored)
    // or when nobody reads our replies any more: abort a running round and end the input.
    const stop = (why: string) => {
      log(why);
      ac.abort();
      process.stdin.destroy();
    };
    const onTerm = () => stop('terminated');
    const onInt = () => stop('interrupted');
    const onPipe = () => stop('stdout closed');
    process.once('SIGTERM', onTerm);
    process.once('SIGINT', onInt);
    process.stdout.on('error', onPipe);
    log(`virtax ${VERSION} agent ready (protocol v1)`);
    try {
      const how = await agentSession(
        process.stdin,
        process.stdout,
        { ...(args.ioDir !== undefined ? { ioDir: args.ioDir } : {}), roundTimeoutMs: Math.max(1, args.roundTimeout) * 1000, userTasks },
        { log, signal: ac.signal },
      );
      log(how === 'quit' ? 'quit' : 'end of input');
      return 0;
    } finally {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      process.stdout.off('error', onPipe);
    }
  },
};
