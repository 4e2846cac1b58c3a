/**
 * The duel's record file (duel.json). Its terminal table is compare's (comparisonTable, src/report/comparison-exporters.ts):
 * one renderer per kind of result. Returns strings; the caller decides where they go.
 */
import type { DuelOutcome } from './duel.js';
import type { Isolation } from '../probes/agent/duet.js';

/** The duel's own record (duel.json): how it ran, in which order, and where the files are. */
export function duelRecord(
  o: DuelOutcome,
  extra: {
    commands: { a: string; b: string };
    files: Record<string, string>;
    rounds: unknown;
    plan: unknown;
    isolation?: Isolation | null;
  },
): string {
  return `${JSON.stringify(
    {
      schema: 'virtax.duel/v1',
      status: o.status,
      error: o.error,
      stopped: o.stopped,
      startedAt: o.a.startedAt,
      seconds: Math.round(o.seconds * 10) / 10,
      seed: o.a.config.seed,
      suite: o.a.config.suite,
      mode: o.mode,
      protocols: o.protocols,
      ...(o.mode === 'duet' ? { isolation: extra.isolation ?? null, interleavedInDuet: o.interleavedInDuet } : {}),
      rounds: extra.rounds,
      plan: extra.plan,
      sides: {
        a: { label: o.a.label, command: extra.commands.a, platform: o.a.host.platform },
        b: { label: o.b.label, command: extra.commands.b, platform: o.b.host.platform },
      },
      files: extra.files,
      pairs: o.pairs,
    },
    null,
    1,
  )}\n`;
}
