/**
 * net.tcp-rtt against Debian's sockperf (`sockperf ping-pong --tcp -m 64 --full-rtt`), both on loopback
 * with the server in another process, alternating sockperf / virtax passes so machine drift hits both.
 * Also a plain Node client (socket 'data' events, one promise per round trip) against the same virtax peer,
 * to show what the lean client path saves. Prints medians and the ratio virtax / sockperf.
 */
import { spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { ChildProcessExecutor } from '../src/probes/engine/executor.js';
import { spawnLoopbackPeer } from '../src/probes/peers/peer.js';
import { SUITES } from '../src/probes/engine/suites.js';
import { median } from '../src/stats/describe.js';
import { PeerConnection } from '../src/workloads/network.js';

/** What one sockperf ping-pong run reported, in microseconds. */
export interface SockperfResult {
  /** true with --full-rtt ("avg-rtt", "Round trip is"), false for sockperf's default half round trip. */
  fullRtt: boolean;
  avgUs: number;
  observations: number;
  minUs: number;
  maxUs: number;
  /** Percentile (as printed, e.g. "50.000") -> microseconds. */
  percentiles: Record<string, number>;
  p50Us: number;
}

/** Parse sockperf ping-pong output (ANSI colours allowed). Throws when the statistics block is missing. */
export function parseSockperf(text: string): SockperfResult {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/\u001b\[[0-9;]*m/g, '');
  const avg = /====> avg-(rtt|latency)=([\d.]+)/.exec(clean);
  const obs = /Total (\d+) observations/.exec(clean);
  const min = /<MIN> observation =\s*([\d.]+)/.exec(clean);
  const max = /<MAX> observation =\s*([\d.]+)/.exec(clean);
  if (!avg || !obs || !min || !max) throw new Error('sockperf output has no statistics block (did the test run?)');
  const percentiles: Record<string, number> = {};
  for (const m of clean.matchAll(/percentile ([\d.]+) =\s*([\d.]+)/g)) percentiles[m[1] as string] = Number(m[2]);
  const p50 = percentiles['50.000'];
  if (p50 === undefined) throw new Error('sockperf output has no 50th percentile');
  return {
    fullRtt: avg[1] === 'rtt',
    avgUs: Number(avg[2]),
    observations: Number(obs[1]),
    minUs: Number(min[1]),
    maxUs: Number(max[1]),
    percentiles,
    p50Us: p50,
  };
}

async function sockperfPass(port: number, seconds: number): Promise<SockperfResult> {
  const r = spawnSync(
    'sockperf',
    ['ping-pong', '--tcp', '-i', '127.0.0.1', '-p', String(port), '-m', '64', '-t', String(seconds), '--full-rtt'],
    {
      encoding: 'utf8',
      timeout: (seconds + 20) * 1000,
    },
  );
  return parseSockperf(`${r.stdout}\n${r.stderr}`);
}

/** A plain Node client: 'data' events, a fresh buffer and promise per round trip, per-trip timing. */
async function plainNodeMedianUs(host: string, port: number, trips: number): Promise<number> {
  const sock = connect({ host, port, noDelay: true });
  await new Promise<void>((res, rej) => sock.once('connect', () => res()).once('error', rej));
  let got = 0;
  let need = 0;
  let wake: (() => void) | null = null;
  sock.on('data', (d: Buffer) => {
    got += d.length;
    if (wake && got >= need) {
      const w = wake;
      wake = null;
      w();
    }
  });
  const exchange = (msg: Buffer | string, expect: number): Promise<void> =>
    new Promise((res) => {
      got = 0;
      need = expect;
      wake = res;
      sock.write(msg);
    });
  await exchange('VTAXECHO', 4);
  const times: number[] = [];
  for (let i = 0; i < trips; i++) {
    const t0 = process.hrtime.bigint();
    await exchange(Buffer.alloc(64, 1), 64);
    times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  sock.destroy();
  return median(times.slice(Math.floor(trips / 10)));
}

/** The net.tcp-rtt client (PeerConnection.echo), timed per round trip: a median comparable to sockperf's. */
async function leanPerTripMedianUs(host: string, port: number, trips: number): Promise<number> {
  const c = await PeerConnection.open({ host, port, kind: 'loopback' }, 'ECHO', 5000);
  const msg = Buffer.alloc(64, 0x61);
  const times: number[] = [];
  for (let i = 0; i < trips; i++) {
    const t0 = process.hrtime.bigint();
    await c.echo(msg, 1);
    times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  c.close();
  return median(times.slice(Math.floor(trips / 10)));
}

export async function run(): Promise<void> {
  const which = spawnSync('sockperf', ['--version'], { encoding: 'utf8' });
  if (which.error) {
    console.log('sockperf not installed (apt-get install -y sockperf): skipped');
    return;
  }
  const sockPort = 11000 + Math.floor(Math.random() * 1000);
  const server = spawn('sockperf', ['server', '--tcp', '-i', '127.0.0.1', '-p', String(sockPort)], { stdio: 'ignore' });
  const peer = await spawnLoopbackPeer({ quiet: true });
  await new Promise((r) => setTimeout(r, 500));
  const executor = new ChildProcessExecutor();
  const plan = SUITES.standard.plan;
  const sock: number[] = [];
  const ours: number[] = [];
  const oursBatchP50: number[] = [];
  const plain: number[] = [];
  const lean: number[] = [];
  const sockAvg: number[] = [];
  try {
    for (let pass = 0; pass < 5; pass++) {
      const s = await sockperfPass(sockPort, 2);
      sock.push(s.p50Us);
      sockAvg.push(s.avgUs);
      const reply = await executor.runRound({
        workloadId: 'net.tcp-rtt',
        suite: 'standard',
        ctx: { suite: 'standard', peer: { host: peer.host, port: peer.port, kind: 'loopback' }, scratchDir: '/tmp', ioDir: '/tmp' },
        plan,
      });
      if (reply.status !== 'ok') throw new Error(`net.tcp-rtt ${reply.status}: ${reply.reason}`);
      ours.push(reply.outcome.round.figure);
      oursBatchP50.push(median(reply.outcome.round.samples));
      plain.push(await plainNodeMedianUs(peer.host, peer.port, 3000));
      lean.push(await leanPerTripMedianUs(peer.host, peer.port, 3000));
      console.log(
        `pass ${pass + 1}: sockperf p50 ${s.p50Us.toFixed(1)} us (avg ${s.avgUs.toFixed(1)}), net.tcp-rtt round ${ours.at(-1)!.toFixed(1)} us ` +
          `(batch p50 ${oursBatchP50.at(-1)!.toFixed(1)}), plain Node client p50 ${plain.at(-1)!.toFixed(1)} us, ` +
          `net.tcp-rtt client per-trip p50 ${lean.at(-1)!.toFixed(1)} us`,
      );
    }
  } finally {
    server.kill('SIGTERM');
    await peer.stop();
  }
  const ms = median(sock);
  const mo = median(ours);
  console.log(`sockperf ping-pong --tcp -m 64 --full-rtt: median of pass medians ${ms.toFixed(1)} us`);
  console.log(
    `net.tcp-rtt (round figure = mean per round trip): median ${mo.toFixed(1)} us; batch p50 ${median(oursBatchP50).toFixed(1)} us`,
  );
  console.log(`plain Node client (data events, promise per trip) vs the same peer: median ${median(plain).toFixed(1)} us`);
  console.log(`net.tcp-rtt client timed per round trip: median ${median(lean).toFixed(1)} us`);
  console.log(`ratio net.tcp-rtt median / sockperf median: ${(mo / ms).toFixed(2)}x (round figures are means, tail included)`);
  console.log(
    `like for like: per-trip medians ${(median(lean) / ms).toFixed(2)}x; means ${(mo / median(sockAvg)).toFixed(2)}x (sockperf avg ${median(sockAvg).toFixed(1)} us)`,
  );
  await httpSteadyState(3, 'quick');
  await httpSteadyState(3, 'standard');
}

/**
 * net.http's quick-suite round against its own steady state (target: within 1.3x): a quick round (0.2 s timed,
 * after the warm-up) alternating with a long one (8 s timed) whose last half of batches is the steady state.
 * A ratio well above 1 would mean a quick round still times undici's and the JIT's warm-up.
 */
export async function httpSteadyState(passes = 3, suite: 'quick' | 'standard' = 'quick'): Promise<void> {
  const peer = await spawnLoopbackPeer({ quiet: true });
  const executor = new ChildProcessExecutor();
  const ctx = { suite, peer: { host: peer.host, port: peer.port, kind: 'loopback' as const }, scratchDir: '/tmp', ioDir: '/tmp' };
  const quick: number[] = [];
  const quickBatch: number[] = [];
  const steady: number[] = [];
  try {
    for (let pass = 0; pass < passes; pass++) {
      const q = await executor.runRound({ workloadId: 'net.http', suite, ctx, plan: SUITES[suite].plan });
      const l = await executor.runRound({
        workloadId: 'net.http',
        suite,
        ctx,
        plan: { ...SUITES[suite].plan, roundSeconds: 8, maxBatches: 100_000 },
      });
      if (q.status !== 'ok' || l.status !== 'ok')
        throw new Error(`net.http: ${q.status === 'ok' ? '' : q.reason} ${l.status === 'ok' ? '' : l.reason}`);
      const tail = l.outcome.round.samples.slice(Math.floor(l.outcome.round.samples.length / 2));
      quick.push(q.outcome.round.figure);
      steady.push(median(tail));
      quickBatch.push(median(q.outcome.round.samples));
      const wu = q.outcome.round.warmup;
      console.log(
        `net.http pass ${pass + 1}: ${suite} round ${q.outcome.round.figure.toFixed(1)} us (batch median ${quickBatch.at(-1)!.toFixed(1)}; warm-up ${wu ? `${wu.batches} batches, ${wu.seconds.toFixed(2)} s, ${wu.settled ? 'settled' : 'bounded'}` : 'not recorded'}), steady state (last half of an 8 s round, batch median) ${steady.at(-1)!.toFixed(1)} us`,
      );
    }
  } finally {
    await peer.stop();
  }
  const r = median(quick) / median(steady);
  console.log(
    `net.http ${suite} round / its steady state: ${r.toFixed(2)}x (target <= 1.3x: ${r <= 1.3 ? 'met' : 'not met'}); batch medians like for like: ${(median(quickBatch) / median(steady)).toFixed(2)}x`,
  );
}
