/**
 * The fast path of `virtax <command> ...`: each command's module by its name, loaded on its own. A command
 * line whose first word names a command loads that command's module only, not every command's
 * dependencies (vega, undici, autocannon, pg, better-sqlite3 ... take hundreds of ms to load, which
 * `virtax report` does not need). Anything else (`--help`, no or an unknown command) loads the full list
 * in index.ts, which stays the registry; test/integration/cli-lazy-commands.test.ts checks that every command there
 * has its loader here, with the same definition. A command missing here still works, by the slow path.
 */
import type { CliCommand } from '../command.js';

export const commandLoaders: Readonly<Record<string, () => Promise<CliCommand>>> = {
  list: async () => (await import('./list.js')).listCommand,
  fingerprint: async () => (await import('./fingerprint.js')).fingerprintCommand,
  run: async () => (await import('./run.js')).runCommand,
  compare: async () => (await import('./compare.js')).compareCommand,
  gate: async () => (await import('./gate.js')).makeGateCommand((await import('../../stats/compare.js')).compareRunSets),
  baseline: async () => (await import('./baseline.js')).baselineCommand,
  report: async () => (await import('./report.js')).reportCommand,
  advise: async () => (await import('./advise.js')).adviseCommand,
  record: async () => (await import('./record.js')).recordCommand,
  agent: async () => (await import('./agent.js')).agentCommand,
  duel: async () => (await import('./duel.js')).duelCommand,
  calibrate: async () => (await import('./calibrate.js')).calibrateCommand,
  lifecycle: async () => (await import('./lifecycle.js')).lifecycleCommand,
  peer: async () => (await import('./peer.js')).peerCommand,
  aggressor: async () => (await import('./aggressor.js')).aggressorCommand,
  serve: async () => (await import('./serve.js')).serveCommand,
  upload: async () => (await import('./upload.js')).uploadCommand,
};

/** The name a command's definition starts with (`report <results..>` -> `report`). */
export function commandName(c: CliCommand): string {
  const first = Array.isArray(c.command) ? (c.command[0] ?? '') : c.command;
  return first.split(' ')[0] ?? '';
}
