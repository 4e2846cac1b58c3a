/**
 * Runnable entry of the CLI from TypeScript sources (`node --import tsx src/cli/run-cli.ts ...`): tests spawn it
 * to exercise signals and exit codes of a real process; bin/virtax.js does the same from dist/.
 */
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`virtax: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
