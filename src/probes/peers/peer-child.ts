/**
 * The loopback peer's own process (forked by `spawnLoopbackPeer` in peer.ts for `virtax run` and the agent): listens
 * on a free loopback port, reports it over IPC, and stops on SIGTERM/SIGINT or when the parent goes away.
 */
import { startPeer } from './peer.js';

if (process.send) {
  const quiet = process.env.VIRTAX_PEER_QUIET === '1';
  void startPeer({ port: 0, bind: '127.0.0.1', ...(quiet ? { log: () => {} } : {}) }).then((p) => {
    const stop = (): void => void p.close().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    process.once('disconnect', stop);
    process.send!({ type: 'listening', host: p.host, port: p.port });
  });
}
