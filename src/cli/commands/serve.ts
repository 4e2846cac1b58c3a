import { DEFAULT_BIND, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT, startCollector } from '../../collector/server.js';
import { InputError } from '../../errors.js';
import type { CliCommand } from '../command.js';

interface ServeArgs {
  port: number;
  bind: string;
  data: string;
  token?: string;
  protectReads: boolean;
  maxBodyMib: number;
}

export const serveCommand: CliCommand = {
  command: 'serve',
  describe: 'Run the collector: probes upload results, people list them and open reports',
  builder: (y) =>
    y
      .option('port', { type: 'number', default: DEFAULT_PORT, describe: 'TCP port (0: any free port)' })
      .option('bind', { type: 'string', default: DEFAULT_BIND, describe: 'Address to listen on (loopback by default; 0.0.0.0 must be asked for)' })
      .option('data', { type: 'string', default: 'virtax-data', describe: 'Data directory: results/<id>.json and index.sqlite' })
      .option('token', { type: 'string', describe: 'Bearer token uploads must carry (default: $VIRTAX_TOKEN; required off loopback)' })
      .option('protect-reads', { type: 'boolean', default: false, describe: 'Require the token on read endpoints too' })
      .option('max-body-mib', { type: 'number', default: DEFAULT_MAX_BODY_BYTES / 1024 / 1024, describe: 'Largest upload in MiB' })
      .example('VIRTAX_TOKEN=s3cret virtax serve --bind 0.0.0.0 --data /var/lib/virtax', 'a collector for the fleet')
      .example('virtax serve --port 0', 'a local collector without a token on a free port'),
  run: async (args: ServeArgs) => {
    if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new InputError('--port: expected 0 to 65535');
    if (!(args.maxBodyMib > 0)) throw new InputError('--max-body-mib: expected a positive number');
    const token = args.token ?? process.env.VIRTAX_TOKEN ?? null;
    const c = await startCollector({
      dataDir: args.data,
      token: token || null,
      protectReads: args.protectReads,
      maxBodyBytes: Math.floor(args.maxBodyMib * 1024 * 1024),
      port: args.port,
      bind: args.bind,
    });
    const r = c.collector.openReport;
    const rebuilt = r.rebuilt ? `index rebuilt (${r.why}), ` : '';
    const extra = [r.recovered && `${r.recovered} recovered`, r.quarantined && `${r.quarantined} invalid moved to rejected/`, r.tempRemoved && `${r.tempRemoved} unfinished temp files removed`].filter(Boolean).join(', ');
    process.stderr.write(`virtax serve: ${rebuilt}${r.indexed} results in ${c.collector.store.dir}${extra ? ` (${extra})` : ''}\n`);
    if (!token) process.stderr.write('virtax serve: no token: anyone who can reach this loopback port can upload\n');
    // The URL line goes to stdout so scripts and tests can read the port.
    process.stdout.write(`listening on ${c.url}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void c.close().then(resolve);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};
