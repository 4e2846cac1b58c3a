/** Every CLI command. Adding a command means adding its file and one line here. */
import type { CliCommand } from '../command.js';
import { agentCommand } from './agent.js';
import { compareCommand } from './compare.js';
import { duelCommand } from './duel.js';
import { fingerprintCommand } from './fingerprint.js';
import { aggressorCommand } from './aggressor.js';
import { listCommand } from './list.js';
import { peerCommand } from './peer.js';
import { runCommand } from './run.js';
import { serveCommand } from './serve.js';
import { uploadCommand } from './upload.js';

export const commands: CliCommand[] = [
  listCommand,
  fingerprintCommand,
  runCommand,
  compareCommand,
  agentCommand,
  duelCommand,
  peerCommand,
  aggressorCommand,
  serveCommand,
  uploadCommand,
];
