/**
 * virtax command line: argv -> options -> library call -> exporter -> exit code (STYLE.md habit 5).
 * Each command lives in src/cli/commands/<name>.ts and is listed in commands/index.ts.
 */
import yargs from 'yargs';
import { InputError } from '../errors.js';
import { VERSION } from '../version.js';
import { commands } from './commands/index.js';

/** Run the CLI with `argv` (without node and script); resolves to the exit code. Never calls process.exit. */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const parser = yargs(argv)
    .scriptName('virtax')
    .usage('virtax <command> [options]\n\nMeasure what virtualization costs: run the same probe on metal, a VM and a container, then compare.')
    .version(VERSION)
    .strict()
    .demandCommand(1, 'Name a command (see the list above).')
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .epilog('Docs and examples: README.md. Exit codes: 0 ok, 1 failure/regression, 2 bad usage or input, 3 inconclusive (gate --strict).')
    .fail((msg, err) => {
      // yargs validation problems are usage errors: one line, exit 2.
      throw err ?? new InputError(msg);
    });
  for (const c of commands) {
    parser.command({
      command: c.command,
      describe: c.describe,
      builder: c.builder,
      handler: async (args) => {
        exitCode = await c.run(args as never);
      },
    });
  }
  try {
    await parser.parseAsync();
    return exitCode;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`virtax: ${msg.replace(/\s*\n\s*/g, ' ').trim()}\n`);
    return e instanceof InputError ? e.exitCode : 2;
  }
}
