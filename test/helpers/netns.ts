/**
 * Two "hosts" made of network namespaces joined by a veth pair (addresses exist only inside them), and a
 * known impairment on the link: netem delay where the kernel has it, tbf rate shaping otherwise.
 * Needs root and iproute2 (`apt-get install -y iproute2`); `netnsUnavailable()` says why not.
 */
import { execFileSync, spawnSync } from 'node:child_process';

export interface NetnsPair {
  /** Namespace of the peer host (10.77.0.1) and of the client host (10.77.0.2). */
  peerNs: string;
  clientNs: string;
  peerAddr: string;
  clientAddr: string;
  peerDev: string;
  clientDev: string;
  destroy(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Why namespaces cannot be made here, or null when they can. */
export function netnsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'not root: network namespaces need root (CI runs as root)';
  if (spawnSync('ip', ['-V']).error) return 'no `ip` command: apt-get install -y iproute2';
  if (spawnSync('tc', ['-V']).error) return 'no `tc` command: apt-get install -y iproute2';
  const probe = `vxprobe${process.pid}`;
  const r = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (r.status !== 0) return `cannot create a network namespace: ${(r.stderr || '').trim()}`;
  spawnSync('ip', ['netns', 'del', probe]);
  return null;
}

export function createNetnsPair(tag = String(process.pid)): NetnsPair {
  const peerNs = `vxp${tag}`;
  const clientNs = `vxc${tag}`;
  const peerDev = `vxp${tag}`.slice(0, 15);
  const clientDev = `vxc${tag}`.slice(0, 15);
  const pair: NetnsPair = {
    peerNs,
    clientNs,
    peerAddr: '10.77.0.1',
    clientAddr: '10.77.0.2',
    peerDev,
    clientDev,
    destroy() {
      // Deleting a namespace removes its end of the veth, and with it the other end.
      spawnSync('ip', ['netns', 'del', peerNs]);
      spawnSync('ip', ['netns', 'del', clientNs]);
    },
  };
  try {
    ip('netns', 'add', peerNs);
    ip('netns', 'add', clientNs);
    ip('link', 'add', peerDev, 'type', 'veth', 'peer', 'name', clientDev);
    ip('link', 'set', peerDev, 'netns', peerNs);
    ip('link', 'set', clientDev, 'netns', clientNs);
    ip('-n', peerNs, 'addr', 'add', `${pair.peerAddr}/24`, 'dev', peerDev);
    ip('-n', clientNs, 'addr', 'add', `${pair.clientAddr}/24`, 'dev', clientDev);
    for (const [ns, dev] of [
      [peerNs, peerDev],
      [clientNs, clientDev],
    ] as const) {
      ip('-n', ns, 'link', 'set', dev, 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
  } catch (e) {
    pair.destroy();
    throw e;
  }
  return pair;
}

/**
 * Slow one device's egress: netem `delay` when available, else tbf at `rate` (what this kernel has).
 * Returns a description of what was applied.
 */
export function impair(ns: string, dev: string, opts: { delayMs: number; rate: string }): string {
  const netem = spawnSync('ip', ['netns', 'exec', ns, 'tc', 'qdisc', 'add', 'dev', dev, 'root', 'netem', 'delay', `${opts.delayMs}ms`], {
    encoding: 'utf8',
  });
  if (netem.status === 0) return `netem delay ${opts.delayMs}ms on ${dev}`;
  execFileSync(
    'ip',
    ['netns', 'exec', ns, 'tc', 'qdisc', 'add', 'dev', dev, 'root', 'tbf', 'rate', opts.rate, 'burst', '32kbit', 'latency', '400ms'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  return `tbf rate ${opts.rate} on ${dev}`;
}

export function clearImpairment(ns: string, dev: string): void {
  spawnSync('ip', ['netns', 'exec', ns, 'tc', 'qdisc', 'del', 'dev', dev, 'root']);
}
