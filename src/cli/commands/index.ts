/**
 * Every CLI command. Adding a command means adding its file, one line here and its loader in lazy.ts (what
 * `virtax <command>` loads alone; test/integration/cli-lazy-commands.test.ts checks the two lists agree).
 */
import { compareRunSets } from '../../stats/compare.js';
import type { CliCommand } from '../command.js';
import { adviseCommand } from './advise.js';
import { agentCommand } from './agent.js';
import { aggressorCommand } from './aggressor.js';
import { baselineCommand } from './baseline.js';
import { calibrateCommand } from './calibrate.js';
import { compareCommand } from './compare.js';
import { duelCommand } from './duel.js';
import { fingerprintCommand } from './fingerprint.js';
import { makeGateCommand } from './gate.js';
import { lifecycleCommand } from './lifecycle.js';
import { listCommand } from './list.js';
import { peerCommand } from './peer.js';
import { recordCommand } from './record.js';
import { reportCommand } from './report.js';
import { runCommand } from './run.js';
import { serveCommand } from './serve.js';
import { uploadCommand } from './upload.js';

export const commands: CliCommand[] = [
  listCommand,
  fingerprintCommand,
  runCommand,
  compareCommand,
  makeGateCommand(compareRunSets),
  baselineCommand,
  reportCommand,
  adviseCommand,
  recordCommand,
  agentCommand,
  duelCommand,
  calibrateCommand,
  lifecycleCommand,
  peerCommand,
  aggressorCommand,
  serveCommand,
  uploadCommand,
];
