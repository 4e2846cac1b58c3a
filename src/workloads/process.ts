/**
 * Processes, scheduling and timers: the stress-ng "hypervisor" group's territory. fork/exec copies page
 * tables (nested paging makes that dearer), a futex wake-up of a thread on another CPU is an IPI (a VM exit
 * without posted interrupts), and a timed sleep's oversleep is timer interrupt delivery plus vCPU scheduling.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { BatchMeasure, Workload } from './types.js';

// ---------------------------------------------------------------------------------------------------------
// proc.spawn

interface SpawnParams extends Record<string, unknown> {
  command: string;
  how: string;
}

interface SpawnState {
  command: string;
  failures: number;
}

export const procSpawn: Workload<SpawnParams, SpawnState> = {
  id: 'proc.spawn',
  category: 'process',
  title: 'Process spawn and wait (spawnSync /bin/true)',
  unit: 'us/spawn',
  better: 'lower',
  figure: { kind: 'cost', scale: 1e6 },
  stresses: 'fork/clone + exec + exit + wait: page-table copies and teardown, which nested paging makes dearer (clone -28% on a VM)',
  inQuick: true,
  // Kernel time: the parent's system time (clone, wait) plus the reaped children's (exec, exit).
  kernelTime: true,
  initialOperations: 1,
  params: () => ({ command: '/bin/true', how: "child_process.spawnSync(command, { stdio: 'ignore' })" }),
  available: (p) => {
    try {
      accessSync(p.command, constants.X_OK);
      return null;
    } catch {
      return `${p.command} is not executable here`;
    }
  },
  setup: (p) => ({ command: p.command, failures: 0 }),
  batch(state, operations) {
    for (let i = 0; i < operations; i++) {
      const r = spawnSync(state.command, [], { stdio: 'ignore' });
      if (r.error) throw r.error;
      if (r.status !== 0) state.failures++;
    }
    if (state.failures) throw new Error(`${state.command} exited non-zero ${state.failures} times`);
  },
};

// ---------------------------------------------------------------------------------------------------------
// sched.ctxswitch

/** How long either side waits for the other before deciding it is gone (a hung round beats a wrong figure). */
const PING_TIMEOUT_MS = 10_000;

// The partner thread: waits while the cell is 0 (main's turn done -> its turn when 1), answers with 0; 2 = stop.
const PARTNER_SOURCE = `
const { workerData } = require('node:worker_threads');
const cell = new Int32Array(workerData);
for (;;) {
  Atomics.wait(cell, 0, 0);
  const v = Atomics.load(cell, 0);
  if (v === 2) break;
  if (v === 1) { Atomics.store(cell, 0, 0); Atomics.notify(cell, 0, 1); }
}
`;

interface CtxParams extends Record<string, unknown> {
  mechanism: string;
  threads: number;
}

interface CtxState {
  worker: Worker;
  cell: Int32Array;
  trips: number;
}

export const schedCtxSwitch: Workload<CtxParams, CtxState> = {
  id: 'sched.ctxswitch',
  category: 'process',
  title: 'Thread ping-pong (futex wake-ups via Atomics.wait/notify)',
  unit: 'ns/roundtrip',
  better: 'lower',
  figure: { kind: 'cost', scale: 1e9 },
  stresses: 'futex wake-ups and context switches between two threads: cross-CPU wake-ups are IPIs, which exit to the hypervisor',
  inQuick: true,
  initialOperations: 100,
  params: () => ({ mechanism: 'Atomics.wait/notify on a SharedArrayBuffer (futex)', threads: 2 }),
  async setup() {
    const sab = new SharedArrayBuffer(4);
    const cell = new Int32Array(sab);
    const worker = new Worker(PARTNER_SOURCE, { eval: true, workerData: sab });
    await new Promise<void>((resolve, reject) => {
      worker.once('online', () => resolve());
      worker.once('error', reject);
    });
    return { worker, cell, trips: 0 };
  },
  batch(state, operations) {
    const cell = state.cell;
    for (let i = 0; i < operations; i++) {
      Atomics.store(cell, 0, 1);
      Atomics.notify(cell, 0, 1);
      // Sleep until the partner sets the cell back to 0 (returns at once if it already has).
      if (Atomics.wait(cell, 0, 1, PING_TIMEOUT_MS) === 'timed-out') {
        throw new Error(`partner thread did not answer within ${PING_TIMEOUT_MS} ms`);
      }
    }
    state.trips += operations;
  },
  async teardown(state) {
    Atomics.store(state.cell, 0, 2);
    Atomics.notify(state.cell, 0, 1);
    await state.worker.terminate();
  },
};

// ---------------------------------------------------------------------------------------------------------
// timer.jitter

interface JitterParams extends Record<string, unknown> {
  sleepUs: number;
  mechanism: string;
  figure: string;
}

interface JitterState {
  cell: Int32Array;
  sleepMs: number;
}

/** Sleep `operations` times for the requested duration; return the sleeps and their total oversleep. */
function sleepBatch(state: JitterState, operations: number): BatchMeasure {
  let over = 0n;
  const wantNs = BigInt(Math.round(state.sleepMs * 1e6));
  for (let i = 0; i < operations; i++) {
    const t0 = process.hrtime.bigint();
    // The cell is private and always 0: this is a timed futex wait that can only end by its timeout.
    Atomics.wait(state.cell, 0, 0, state.sleepMs);
    const slept = process.hrtime.bigint() - t0;
    over += slept > wantNs ? slept - wantNs : 0n;
  }
  // A batch that overslept by exactly 0 ns is not possible on a real kernel; keep seconds positive anyway.
  return { operations, seconds: Math.max(Number(over) / 1e9, 1e-12) };
}

function jitterSetup(p: JitterParams): JitterState {
  return { cell: new Int32Array(new SharedArrayBuffer(4)), sleepMs: p.sleepUs / 1000 };
}

export const timerJitter: Workload<JitterParams, JitterState> = {
  id: 'timer.jitter',
  category: 'process',
  title: 'Timer oversleep (1 ms timed futex waits)',
  unit: 'us oversleep',
  better: 'lower',
  // BatchMeasure: operations = sleeps, seconds = total oversleep -> mean oversleep per sleep in us.
  figure: { kind: 'cost', scale: 1e6 },
  stresses:
    'timer interrupt delivery and wake-up latency: a virtual timer and a descheduled vCPU add to every oversleep (timers -36% on VMs)',
  inQuick: true,
  // One sleep per batch: samples are single sleeps, so the summary's p99 is the p99 oversleep.
  fixedBatchOperations: 1,
  params: () => ({
    sleepUs: 1000,
    mechanism: 'Atomics.wait with timeout on a private Int32Array (futex timed wait)',
    figure: 'mean oversleep per sleep; samples are single sleeps (p99 = p99 oversleep)',
  }),
  setup: (p) => jitterSetup(p),
  batch: (state, operations) => sleepBatch(state, operations),
};

export const processWorkloads = [procSpawn, schedCtxSwitch, timerJitter];
