/**
 * CPU baselines: plain computation that never leaves the guest. Virtualization should cost ~0% here
 * (Spare Cores: median metal/VM ratio 0.993); a large difference means the hosts differ, not the hypervisor.
 */
import type { Workload } from './types.js';

interface IntState {
  acc: number;
}

/** xorshift32 mixing: integer ALU work with a loop-carried dependency the JIT cannot fold. */
export const cpuInt: Workload<{ innerLoop: number }, IntState> = {
  id: 'cpu.int',
  category: 'cpu',
  title: 'Integer arithmetic (xorshift mixing)',
  unit: 'Mops/s',
  better: 'higher',
  figure: { kind: 'rate', scale: 1e-6 },
  stresses: 'integer ALU only; the baseline that virtualization should not touch',
  inQuick: true,
  initialOperations: 1000,
  params: () => ({ innerLoop: 1000 }),
  setup: () => ({ acc: 2463534242 }),
  batch(state, operations) {
    // Each operation is one xorshift step (3 shifts, 3 xors); `operations` steps per batch.
    let x = state.acc | 0;
    for (let i = 0; i < operations; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
    }
    state.acc = x === 0 ? 1 : x;
  },
};

interface FloatState {
  acc: number;
}

/** A dependent chain of floating-point multiply-add and sqrt. */
export const cpuFloat: Workload<{ kind: string }, FloatState> = {
  id: 'cpu.float',
  category: 'cpu',
  title: 'Floating point (dependent multiply-add and sqrt)',
  unit: 'Mops/s',
  better: 'higher',
  figure: { kind: 'rate', scale: 1e-6 },
  stresses: 'FPU only; should be within noise of bare metal',
  inQuick: true,
  initialOperations: 1000,
  params: () => ({ kind: 'fma+sqrt chain' }),
  setup: () => ({ acc: 1.000001 }),
  batch(state, operations) {
    let x = state.acc;
    for (let i = 0; i < operations; i++) {
      x = Math.sqrt(x * 1.0000001 + 0.5) + 0.25;
    }
    state.acc = Number.isFinite(x) ? x : 1.000001;
  },
};

export const cpuWorkloads = [cpuInt, cpuFloat];
