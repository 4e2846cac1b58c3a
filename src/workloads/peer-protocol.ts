/**
 * The handshake between a network workload and its peer (src/probes/peers/peer.ts, docs/network.md): the client
 * sends PEER_MAGIC and a four-letter service, the peer answers PEER_OK and then serves it. Here, below both, so the
 * workloads need nothing from the probe that runs them.
 */
export const PEER_MAGIC = Buffer.from('VTAX');
export const PEER_OK = Buffer.from('VTOK');
/** ECHO answers every byte (round trips), SINK swallows (upload throughput), SRCE streams (download throughput). */
export type PeerService = 'ECHO' | 'SINK' | 'SRCE';
