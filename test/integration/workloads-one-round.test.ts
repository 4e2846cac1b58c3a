/**
 * Every local workload runs one tiny round in this process through the real round engine and yields a
 * positive figure with finite samples. Sizes are shrunk where a suite's size would only cost test time.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runRound } from '../../src/workloads/round.js';
import { registry } from '../../src/workloads/index.js';
import { timerJitter } from '../../src/workloads/process.js';
import { ioFsync } from '../../src/workloads/storage.js';
import type { RoundPlan, WorkloadContext } from '../../src/workloads/types.js';

const dir = mkdtempSync(join(tmpdir(), 'virtax-wl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ctx: WorkloadContext = { suite: 'quick', peer: null, scratchDir: dir, ioDir: dir };
const plan: RoundPlan = { targetBatchSeconds: 0.001, roundSeconds: 0.01, minBatches: 2, maxBatches: 50 };

/** Smaller buffers than the suites use: the code path is the same, the test stays fast. */
const shrink: Record<string, Record<string, unknown>> = {
  'mem.bandwidth': { bufferBytes: 8 * 2 ** 20 },
  'mem.latency': { bufferBytes: 4 * 2 ** 20 },
};

const local = registry.all().filter((w) => w.category !== 'network' && w.category !== 'noisy-neighbor');

describe('one round of each local workload', () => {
  it.each(local.map((w) => [w.id, w] as const))('%s', async (id, w) => {
    const params = { ...w.params('quick', ctx), ...(shrink[id] ?? {}) };
    const why = w.available ? await w.available(params, ctx) : null;
    if (why) {
      console.log(`${id} skipped here: ${why}`);
      return;
    }
    const { round } = await runRound(w, params, ctx, plan);
    expect(round.figure).toBeGreaterThan(0);
    expect(Number.isFinite(round.figure)).toBe(true);
    expect(round.operations).toBeGreaterThan(0);
    expect(round.samples.length).toBeGreaterThanOrEqual(plan.minBatches);
    expect(round.samples.every((s) => Number.isFinite(s) && s > 0)).toBe(true);
  });

  it('timer.jitter measures its own batches: operations are sleeps, seconds are oversleep', async () => {
    const state = await timerJitter.setup(timerJitter.params('quick', ctx), ctx);
    const t0 = performance.now();
    const m = timerJitter.batch(state, 3);
    const wallSeconds = (performance.now() - t0) / 1000;
    expect(m).toMatchObject({ operations: 3 });
    const seconds = (m as { seconds: number }).seconds;
    expect(seconds).toBeGreaterThan(0);
    // Oversleep is what is left after the 3 ms asked for; it cannot exceed the wall time minus those 3 ms.
    expect(seconds).toBeLessThanOrEqual(wallSeconds - 0.003 + 1e-4);
  });

  it('io.fsync removes its file in teardown and skips a directory it cannot write', async () => {
    const params = ioFsync.params('quick', ctx);
    const state = await ioFsync.setup(params, ctx);
    expect(readdirSync(dir).some((f) => f.startsWith('.virtax-fsync-'))).toBe(true);
    ioFsync.batch(state, 2);
    await ioFsync.teardown?.(state);
    expect(existsSync(state.path)).toBe(false);
    const missing = { ...ctx, ioDir: join(dir, 'does-not-exist') };
    expect(await ioFsync.available?.(ioFsync.params('quick', missing), missing)).toMatch(/cannot write to/);
  });
});
