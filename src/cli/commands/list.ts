import { terminalWidth } from '../../format/text.js';
import { formatTable } from '../../report/table.js';
import { registry } from '../../workloads/index.js';
import { DEFAULT_BATCH_TIMEOUT_SECONDS, userWorkload } from '../../workloads/user.js';
import { prepareUserTasks } from '../../workloads/user-discover.js';
import type { CliCommand } from '../command.js';

export const listCommand: CliCommand = {
  command: 'list',
  describe: 'List workloads: id, category, unit, direction and what each stresses',
  builder: (y) =>
    y
      .option('json', { type: 'boolean', describe: 'Print JSON instead of a table' })
      .option('workload', {
        type: 'string',
        array: true,
        describe: 'Also list the tasks of your own tinybench module (repeatable), as run --workload would run them',
      })
      .example('virtax list', 'every workload (the table fits the terminal; the stresses column is cut with …)')
      .example("virtax list --json | jq -r '.[] | select(.quick) | .id'", 'ids of the quick suite')
      .example('virtax list --workload ./my-bench.mjs', 'the user.* ids, units and directions your tasks get'),
  run: async (args: { json?: boolean; workload?: string[] }) => {
    const user = args.workload?.length ? (await prepareUserTasks(args.workload, DEFAULT_BATCH_TIMEOUT_SECONDS)).map(userWorkload) : [];
    const ws = [...registry.all(), ...user];
    if (args.json) {
      const out = ws.map((w) => ({
        id: w.id,
        category: w.category,
        title: w.title,
        unit: w.unit,
        better: w.better,
        quick: Boolean(w.inQuick),
        stresses: w.stresses,
      }));
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return 0;
    }
    const rows = ws.map((w) => [w.id, w.category, w.unit, w.better, w.inQuick ? 'yes' : '', w.stresses]);
    process.stdout.write(
      `${formatTable(['id', 'category', 'unit', 'better', 'quick', 'stresses'], rows, [], { maxWidth: terminalWidth(process.stdout), shrink: [5] })}\n`,
    );
    return 0;
  },
};
