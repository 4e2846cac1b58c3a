/**
 * virtax command line: argv -> options -> library call -> exporter -> exit code (CONTRIBUTING.md).
 * Each command lives in src/cli/commands/<name>.ts and is listed in commands/index.ts; commands/lazy.ts
 * loads the one a command line names on its own (start-up time).
 */
import yargs from 'yargs';
import { InputError } from '../errors.js';
import { VERSION } from '../version.js';
import type { CliCommand } from './command.js';
import { commandLoaders } from './commands/lazy.js';

/** Run the CLI with `argv` (without node and script); resolves to the exit code. Never calls process.exit. */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const given = joinNegativeValues(argv);
  const parser = yargs(given)
    .scriptName('virtax')
    .usage(
      'virtax <command> [options]\n\nMeasure what virtualization costs: run the same probe on metal, a VM and a container, then compare.',
    )
    .version(VERSION)
    .strict()
    .demandCommand(1, 'Name a command (see the list above).')
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .epilog('Docs and examples: README.md. Exit codes: 0 ok, 1 failure/regression, 2 bad usage or input, 3 inconclusive (gate --strict).')
    .middleware((args) => checkNumbers(args, given))
    .fail((msg, err) => {
      // yargs validation problems are usage errors: one line, exit 2.
      throw err ?? new InputError(msg);
    });
  for (const c of await commandsFor(given)) {
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

/**
 * The command definitions this command line needs: when its first word names a command, that command
 * alone (its module and dependencies only: commands/lazy.ts); otherwise every command (help, a typo).
 */
async function commandsFor(argv: readonly string[]): Promise<CliCommand[]> {
  const first = argv[0];
  const load = first !== undefined && Object.hasOwn(commandLoaders, first) ? commandLoaders[first] : undefined;
  if (load) return [await load()];
  return (await import('./commands/index.js')).commands;
}

/**
 * `--noise -5%` would reach yargs as the short flags -5 and -%; a flag followed by something that starts
 * like a negative number becomes `--noise=-5%`, so the flag's own check says what is wrong with it.
 */
export function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const next = argv[i + 1];
    if (/^--[a-z][\w-]*$/i.test(a) && next !== undefined && /^-\.?\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** Every numeric flag is checked before any command runs: yargs turns `--seed abc` into NaN silently. */
function checkNumbers(args: Record<string, unknown>, argv: string[]): void {
  for (const [key, value] of Object.entries(args)) {
    if (key === '_' || key === '$0' || key.includes('-')) continue; // camelCase aliases are checked once
    const bad = (v: unknown) => typeof v === 'number' && !Number.isFinite(v);
    if (bad(value) || (Array.isArray(value) && value.some(bad))) {
      const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      throw new InputError(`${flag}: expected a number (got ${JSON.stringify(rawValue(argv, flag) ?? String(value))})`);
    }
  }
}

function rawValue(argv: string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === flag) return argv[i + 1];
    if (a.startsWith(`${flag}=`)) return a.slice(flag.length + 1);
  }
  return undefined;
}
