/**
 * Host to host through two network namespaces and a veth pair: the peer in one, the client in the other.
 * Then the link is impaired (netem delay, or tbf rate shaping on this kernel) as a stand-in for a slower
 * virtual NIC, and net.tcp-rtt must see it: slower, and by a plausible amount.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { median } from '../../src/stats/describe.js';
import { clearImpairment, createNetnsPair, impair, netnsUnavailable, type NetnsPair } from '../helpers/netns.js';

const why = netnsUnavailable();
if (why) console.log(`net-netns-hosts: skipped: ${why}`);

let pair: NetnsPair | null = null;
let peerProc: ChildProcess | null = null;
const PORT = 7878;

/** One round of `id` measured in a fresh process inside the client namespace. */
function roundInClientNs(id: string): { status: string; figure?: number; reason?: string; peer?: unknown } {
  const code = `import('./src/probes/engine/round-child.ts').then(m => m.measure(${JSON.stringify({
    workloadId: id,
    suite: 'quick',
    ctx: { suite: 'quick', peer: { host: '10.77.0.1', port: PORT, kind: 'remote' }, scratchDir: '/tmp', ioDir: '/tmp' },
    plan: { targetBatchSeconds: 0.01, roundSeconds: 0.3, minBatches: 10, maxBatches: 5000 },
  })})).then(r => { process.stdout.write(JSON.stringify(r.status === 'ok' ? { status: 'ok', figure: r.outcome.round.figure, peer: r.params.peer } : r)); process.exit(0); })`;
  const r = spawnSync('ip', ['netns', 'exec', pair!.clientNs, process.execPath, '--import', 'tsx', '-e', code], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`client in namespace failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function rttMedian(rounds: number): number {
  const figs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const r = roundInClientNs('net.tcp-rtt');
    if (r.status !== 'ok') throw new Error(`net.tcp-rtt ${r.status}: ${r.reason}`);
    figs.push(r.figure!);
  }
  return median(figs);
}

describe.skipIf(why !== null)('network workloads between two namespaces', () => {
  beforeAll(async () => {
    pair = createNetnsPair();
    peerProc = spawn(
      'ip',
      [
        'netns',
        'exec',
        pair.peerNs,
        process.execPath,
        '--import',
        'tsx',
        '-e',
        `import('./src/cli/main.ts').then(m => m.main(['peer', '--port', '${PORT}', '--bind', '10.77.0.1'])).then(c => { process.exitCode = c; })`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    await new Promise<void>((resolve, reject) => {
      peerProc!.stderr!.on('data', (d) => {
        err += d;
        if (err.includes('listening on 10.77.0.1')) resolve();
      });
      peerProc!.on('exit', () => reject(new Error(`peer in namespace exited: ${err}`)));
    });
  });

  afterAll(async () => {
    if (peerProc && peerProc.exitCode === null) {
      const gone = new Promise((r) => peerProc!.once('exit', r));
      peerProc.kill('SIGTERM');
      await gone;
    }
    pair?.destroy();
  });

  it('the client namespace reaches the peer only through the veth, not loopback', () => {
    const r = roundInClientNs('net.tcp-throughput');
    expect(r.status).toBe('ok');
    expect(r.peer).toBe('10.77.0.1:7878 (remote)');
    expect(r.figure).toBeGreaterThan(0);
  });

  it('an impaired link shows as a slower net.tcp-rtt, by a plausible amount', () => {
    const before = rttMedian(3);
    const applied = [
      impair(pair!.clientNs, pair!.clientDev, { delayMs: 1, rate: '1mbit' }),
      impair(pair!.peerNs, pair!.peerDev, { delayMs: 1, rate: '1mbit' }),
    ];
    let after: number;
    try {
      after = rttMedian(3);
    } finally {
      clearImpairment(pair!.clientNs, pair!.clientDev);
      clearImpairment(pair!.peerNs, pair!.peerDev);
    }
    console.log(`net-netns-hosts: net.tcp-rtt ${before.toFixed(1)} us -> ${after.toFixed(1)} us with ${applied.join(', ')}`);
    // 1 mbit each way: a 64-byte message plus headers is about 1 kbit per direction, so about 0.3-2.5 ms per
    // round trip (netem 1 ms each way: about 2 ms). Either way far above an unimpaired veth, well under 20 ms.
    // A busy host inflates `before` too, so the size is checked as an added delay, not only as a ratio.
    expect(after).toBeGreaterThan(before * 1.5);
    expect(after - before).toBeGreaterThan(250);
    expect(after).toBeLessThan(20_000);
  });
});
