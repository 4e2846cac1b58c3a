import { readFileSync } from 'node:fs';
import { importResults } from '../../collector/import.js';
import { PgStore } from '../../collector/pg-store.js';
import { DEFAULT_BIND, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT, startCollector } from '../../collector/server.js';
import { cleanToken } from '../../collector/tokens.js';
import { InputError } from '../../errors.js';
import type { CliCommand } from '../command.js';

interface ServeArgs {
  port: number;
  bind: string;
  data: string;
  db?: string;
  import?: string;
  token?: string;
  tokenFile?: string;
  tokens?: string;
  protectReads?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  allowedHost?: string[];
  maxConnections: number;
  maxBodyMib: number;
}

/**
 * The admin token: `--token-file` (or $VIRTAX_TOKEN_FILE), else `--token` (visible in ps: discouraged), else
 * $VIRTAX_TOKEN. Surrounding whitespace is removed, so a file written by `echo` works.
 */
export function resolveToken(flag: string | undefined, file: string | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  const path = file ?? env.VIRTAX_TOKEN_FILE;
  if (path) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new InputError(`--token-file: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    return cleanToken(text, `--token-file ${path}`);
  }
  const raw = flag ?? (env.VIRTAX_TOKEN || undefined);
  return raw ? cleanToken(raw, flag !== undefined ? '--token' : 'VIRTAX_TOKEN') : null;
}

export const serveCommand: CliCommand = {
  command: 'serve',
  describe: 'Run the collector: probes upload results, people list them and open reports',
  builder: (y) =>
    y
      .option('port', { type: 'number', default: DEFAULT_PORT, describe: 'TCP port (0: any free port)' })
      .option('bind', {
        type: 'string',
        default: DEFAULT_BIND,
        describe: 'Address to listen on (loopback by default; 0.0.0.0 must be asked for)',
      })
      .option('data', {
        type: 'string',
        default: 'virtax-data',
        describe: 'Data directory: results/<id>.json and index.sqlite (one collector per directory)',
      })
      .option('db', {
        type: 'string',
        describe: 'PostgreSQL connection string (default $VIRTAX_DB): results in the database, for several replicas; --data is then unused',
      })
      .option('import', {
        type: 'string',
        describe:
          'At start, load the results of this data directory (or directory of results files) into the store (e.g. embedded -> --db); idempotent',
      })
      .option('token-file', {
        type: 'string',
        describe: 'File holding the admin token (read and write); default $VIRTAX_TOKEN_FILE, then $VIRTAX_TOKEN',
      })
      .option('token', {
        type: 'string',
        describe: 'Admin token on the command line (visible in ps: prefer --token-file or $VIRTAX_TOKEN)',
      })
      .option('tokens', {
        type: 'string',
        describe: 'Per-probe token file: token -> scopes (read/write) and allowed labels; re-read when it changes',
      })
      .option('protect-reads', {
        type: 'boolean',
        describe: 'Require a read token on read endpoints (default: on unless bound to loopback; --no-protect-reads makes reads public)',
      })
      .option('tls-cert', { type: 'string', describe: 'PEM certificate: serve HTTPS (with --tls-key)' })
      .option('tls-key', { type: 'string', describe: 'PEM private key for --tls-cert' })
      .option('allowed-host', {
        type: 'string',
        array: true,
        describe: 'Host names requests may address (repeat; default: loopback names on loopback, any otherwise)',
      })
      .option('max-connections', { type: 'number', default: 256, describe: 'Open connections at most' })
      .option('max-body-mib', { type: 'number', default: DEFAULT_MAX_BODY_BYTES / 1024 / 1024, describe: 'Largest upload in MiB' })
      .example(
        'virtax serve --bind 0.0.0.0 --tls-cert c.pem --tls-key k.pem --tokens tokens.json --data /var/lib/virtax',
        'a collector for the fleet',
      )
      .example('virtax serve --port 0', 'a local collector without a token on a free port'),
  run: async (args: ServeArgs) => {
    if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new InputError('--port: expected 0 to 65535');
    if (!(args.maxBodyMib > 0)) throw new InputError('--max-body-mib: expected a positive number');
    if (!Number.isInteger(args.maxConnections) || args.maxConnections < 1)
      throw new InputError('--max-connections: expected a positive whole number');
    const token = resolveToken(args.token, args.tokenFile);
    if (args.token && !args.tokenFile) {
      process.stderr.write('virtax serve: --token is visible to every user in ps; prefer --token-file or VIRTAX_TOKEN\n');
    }
    const db = args.db ?? (process.env.VIRTAX_DB || undefined);
    if (db !== undefined && !/^postgres(ql)?:\/\//.test(db)) throw new InputError('--db: expected a postgres:// connection string');
    const c = await startCollector({
      dataDir: args.data,
      store: db ? new PgStore(db) : undefined,
      token,
      tokensFile: args.tokens ?? null,
      protectReads: args.protectReads,
      tlsCert: args.tlsCert ?? null,
      tlsKey: args.tlsKey ?? null,
      allowedHosts: args.allowedHost ?? null,
      maxConnections: args.maxConnections,
      maxBodyBytes: Math.floor(args.maxBodyMib * 1024 * 1024),
      port: args.port,
      bind: args.bind,
    });
    const r = c.collector.openReport;
    const rebuilt = r.rebuilt ? `index rebuilt (${r.why}), ` : '';
    const extra = [
      r.recovered && `${r.recovered} recovered`,
      r.quarantined && `${r.quarantined} invalid moved to rejected/`,
      r.tempRemoved && `${r.tempRemoved} unfinished temp files removed`,
    ]
      .filter(Boolean)
      .join(', ');
    process.stderr.write(`virtax serve: ${rebuilt}${r.indexed} results in ${c.collector.store.where}${extra ? ` (${extra})` : ''}\n`);
    if (args.import) {
      const i = await importResults(c.collector.store, args.import);
      process.stderr.write(
        `virtax serve: imported ${args.import}: ${i.created} new, ${i.duplicate} already stored, ${i.conflict} conflicting, ${i.invalid} invalid\n`,
      );
      for (const p of i.problems) process.stderr.write(`virtax serve:   ${p}\n`);
    }
    if (!c.collector.tokens.required) process.stderr.write('virtax serve: no token: anyone who can reach this loopback port can upload\n');
    if (args.tokens) process.stderr.write(`virtax serve: ${c.collector.tokens.fileTokens} tokens from ${args.tokens}\n`);
    process.stderr.write(`virtax serve: reads ${c.collector.protectReads ? 'need a read token' : 'are public'}\n`);
    // The URL line goes to stdout so scripts and tests can read the port.
    process.stdout.write(`listening on ${c.url}\n`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        const n = c.collector.inFlight;
        process.stderr.write(`virtax serve: ${signal}: ${n ? `finishing ${n} request(s) in flight, then stopping` : 'stopping'}\n`);
        void c.close().then(resolve);
      };
      const onInt = () => stop('SIGINT');
      const onTerm = () => stop('SIGTERM');
      process.once('SIGINT', onInt);
      process.once('SIGTERM', onTerm);
    });
    return 0;
  },
};
