/**
 * Starting Node children that run virtax's own modules (round processes, the loopback peer, aggressor
 * workers, user-task discovery): from TypeScript sources (tests, development) they need tsx; from dist/
 * they do not. Every child gets --expose-gc (workloads free memory between batches with a minor GC).
 */
import { fileURLToPath } from 'node:url';

const runningFromSource = fileURLToPath(import.meta.url).endsWith('.ts');

/** Node options for a child that runs our modules. */
export function childExecArgv(): string[] {
  return runningFromSource ? ['--import', 'tsx', '--expose-gc'] : ['--expose-gc'];
}

/** The path of module `name` in the folder of `from` (the caller's import.meta.url), .ts or .js as we run. */
export function moduleBeside(name: string, from: string): string {
  return fileURLToPath(new URL(`./${name}${runningFromSource ? '.ts' : '.js'}`, from));
}
