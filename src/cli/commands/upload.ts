import { parseResults, readInputText } from '../../results/io.js';
import { checkCollectorUrl, clientToken, describeUpload, retrySettings, uploadResultsText } from '../../probes/upload.js';
import type { CliCommand } from '../command.js';

interface UploadArgs {
  files: string[];
  to: string;
  token?: string;
  tokenFile?: string;
  retries: number;
  backoffMs: number;
  attemptTimeout?: number;
}

export const uploadCommand: CliCommand = {
  command: 'upload <files..>',
  describe: 'Send results files made earlier to a collector (virtax serve)',
  builder: (y) =>
    y
      .positional('files', { type: 'string', array: true, describe: 'Results files' })
      .option('to', { type: 'string', demandOption: true, describe: 'Collector URL, e.g. http://collector:7070' })
      .option('token-file', { type: 'string', describe: 'File holding the bearer token (default: $VIRTAX_TOKEN_FILE)' })
      .option('token', { type: 'string', describe: 'Bearer token (visible in ps: prefer --token-file or $VIRTAX_TOKEN)' })
      .option('retries', { type: 'number', describe: 'Retries per file when the collector is down or busy (default 5)' })
      .option('backoff-ms', { type: 'number', describe: 'First retry delay in ms, doubling each retry (default 500)' })
      .option('attempt-timeout', {
        type: 'number',
        describe:
          'Longest one attempt may take, from connecting to the last byte of the answer, seconds (default 60; $VIRTAX_UPLOAD_ATTEMPT_TIMEOUT)',
      })
      .example('virtax upload results/*.json --to http://collector:7070', 'send every local result')
      .example('virtax upload big.json --to http://collector:7070 --attempt-timeout 300', 'a slow link: allow 5 minutes per attempt'),
  run: async (args: UploadArgs) => {
    checkCollectorUrl(args.to, '--to');
    const settings = retrySettings(args.retries, args.backoffMs, args.attemptTimeout);
    const token = clientToken(args.token, args.tokenFile);
    // Every input is read and validated before anything is sent: a missing or truncated file is bad input
    // (exit 2, one line naming it), not a failed upload.
    const inputs = args.files.map((path) => {
      const text = readInputText(path);
      parseResults(text, path);
      return { path, text };
    });
    let failed = 0;
    for (const { path, text } of inputs) {
      const outcome = await uploadResultsText(text, {
        url: args.to,
        token,
        ...settings,
        onRetry: (n, ms, why) => process.stderr.write(`virtax upload: ${path}: attempt ${n} failed (${why}); retrying in ${ms} ms\n`),
      });
      const line = describeUpload(path, outcome);
      if (outcome.status === 'stored' || outcome.status === 'duplicate') process.stdout.write(`${line}\n`);
      else {
        process.stderr.write(`virtax upload: ${line}\n`);
        failed++;
      }
    }
    if (failed > 0)
      process.stderr.write(`virtax upload: ${failed} of ${args.files.length} file(s) not uploaded; local files are unchanged\n`);
    return failed > 0 ? 1 : 0;
  },
};
