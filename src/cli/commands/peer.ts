import { InputError } from '../../errors.js';
import { DEFAULT_PEER_OPTIONS, startPeer } from '../../probes/peers/peer.js';
import type { CliCommand } from '../command.js';

export interface PeerArgs {
  port: number;
  bind: string;
  maxConnections: number;
  maxPayloadMb: number;
  idleTimeout: number;
}

export const peerCommand: CliCommand = {
  command: 'peer',
  describe: 'Network target for `run --peer`: TCP echo, sink/source and HTTP on one port (runs until stopped)',
  builder: (y) =>
    y
      .option('port', { type: 'number', default: DEFAULT_PEER_OPTIONS.port, describe: 'TCP port (0: any free port)' })
      .option('bind', { type: 'string', default: DEFAULT_PEER_OPTIONS.bind, describe: 'address to listen on' })
      .option('max-connections', {
        type: 'number',
        default: DEFAULT_PEER_OPTIONS.maxConnections,
        describe: 'connections open at once; more are closed',
      })
      .option('max-payload-mb', {
        type: 'number',
        default: DEFAULT_PEER_OPTIONS.maxPayloadBytes / 2 ** 20,
        describe: 'largest sink/source request or HTTP body, MiB',
      })
      .option('idle-timeout', {
        type: 'number',
        default: DEFAULT_PEER_OPTIONS.idleTimeoutMs / 1000,
        describe: 'close sockets idle this many seconds',
      })
      .example('virtax peer --port 7878', 'on host B; then on host A: virtax run --only net --peer B:7878'),
  run: async (args: PeerArgs) => {
    if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535)
      throw new InputError('--port: expected a whole number from 0 to 65535');
    if (!Number.isInteger(args.maxConnections) || args.maxConnections < 1)
      throw new InputError('--max-connections: expected a whole number of at least 1');
    if (!(args.maxPayloadMb > 0 && args.maxPayloadMb <= 1024 * 1024)) throw new InputError('--max-payload-mb: expected a number above 0');
    if (!(args.idleTimeout > 0)) throw new InputError('--idle-timeout: expected seconds above 0');
    let peer;
    try {
      peer = await startPeer({
        port: args.port,
        bind: args.bind,
        maxConnections: args.maxConnections,
        maxPayloadBytes: Math.floor(args.maxPayloadMb * 2 ** 20),
        idleTimeoutMs: args.idleTimeout * 1000,
      });
    } catch (e) {
      throw new InputError(`cannot listen on ${args.bind}:${args.port}: ${(e as Error).message}`);
    }
    process.stderr.write(`peer: listening on ${peer.host}:${peer.port} (echo, sink/source, http); Ctrl-C stops\n`);
    const sig = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    await peer.close();
    process.stderr.write(`peer: stopped by ${sig}\n`);
    return 0;
  },
};
