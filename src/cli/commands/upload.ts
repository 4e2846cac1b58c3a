import { readFileSync } from 'node:fs';
import { InputError } from '../../errors.js';
import { parseResults, readInputText } from '../../results/io.js';
import { describeUpload, uploadEndpoint, uploadResultsText, type UploadOptions } from '../../upload.js';
import type { CliCommand } from '../command.js';

interface UploadArgs {
  files: string[];
  to: string;
  token?: string;
  retries: number;
  backoffMs: number;
}

/** Retry settings shared by `upload` and `run --upload`: flags, else VIRTAX_UPLOAD_RETRIES / VIRTAX_UPLOAD_BACKOFF_MS. */
export function retrySettings(retries?: number, backoffMs?: number): Pick<UploadOptions, 'retries' | 'baseDelayMs'> {
  const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
  const r = retries ?? num(process.env.VIRTAX_UPLOAD_RETRIES) ?? 5;
  const b = backoffMs ?? num(process.env.VIRTAX_UPLOAD_BACKOFF_MS) ?? 500;
  if (!Number.isInteger(r) || r < 0 || r > 100) throw new InputError('--retries: expected a whole number from 0 to 100');
  if (!Number.isFinite(b) || b < 0) throw new InputError('--backoff-ms: expected a number of milliseconds');
  return { retries: r, baseDelayMs: b };
}

/** Check a collector URL early so a typo is a usage error, not a failed upload at the end of a run. */
export function checkCollectorUrl(url: string, flag: string): void {
  try {
    uploadEndpoint(url);
  } catch (e) {
    throw new InputError(`${flag}: ${(e as Error).message}`);
  }
}

export const uploadCommand: CliCommand = {
  command: 'upload <files..>',
  describe: 'Send results files made earlier to a collector (virtax serve)',
  builder: (y) =>
    y
      .positional('files', { type: 'string', array: true, describe: 'Results files' })
      .option('to', { type: 'string', demandOption: true, describe: 'Collector URL, e.g. http://collector:7070' })
      .option('token', { type: 'string', describe: 'Bearer token (default: $VIRTAX_TOKEN)' })
      .option('retries', { type: 'number', describe: 'Retries per file when the collector is down or busy (default 5)' })
      .option('backoff-ms', { type: 'number', describe: 'First retry delay in ms, doubling each retry (default 500)' })
      .example('virtax upload results/*.json --to http://collector:7070', 'send every local result'),
  run: async (args: UploadArgs) => {
    checkCollectorUrl(args.to, '--to');
    const settings = retrySettings(args.retries, args.backoffMs);
    const token = args.token ?? process.env.VIRTAX_TOKEN ?? null;
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
    if (failed > 0) process.stderr.write(`virtax upload: ${failed} of ${args.files.length} file(s) not uploaded; local files are unchanged\n`);
    return failed > 0 ? 1 : 0;
  },
};

/** `run --upload`: send the file just written; the local file stays whatever happens. True when stored. */
export async function uploadAfterRun(path: string, url: string, token?: string): Promise<boolean> {
  const outcome = await uploadResultsText(readFileSync(path, 'utf8'), {
    url,
    token: token ?? process.env.VIRTAX_TOKEN ?? null,
    ...retrySettings(),
    onRetry: (n, ms, why) => process.stderr.write(`virtax run: upload attempt ${n} failed (${why}); retrying in ${ms} ms\n`),
  });
  const ok = outcome.status === 'stored' || outcome.status === 'duplicate';
  process.stderr.write(`${ok ? '' : 'virtax run: '}${describeUpload(path, outcome)}\n`);
  if (!ok) process.stderr.write(`the results are kept in ${path}; send them later with: virtax upload ${path} --to ${url}\n`);
  return ok;
}
