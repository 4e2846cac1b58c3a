/** Every CLI command. Adding a command means adding its file and one line here. */
import type { CliCommand } from '../command.js';
import { adviseCommand } from './advise.js';
import { compareCommand } from './compare.js';
import { fingerprintCommand } from './fingerprint.js';
import { listCommand } from './list.js';
import { reportCommand } from './report.js';
import { runCommand } from './run.js';

export const commands: CliCommand[] = [listCommand, fingerprintCommand, runCommand, compareCommand, reportCommand, adviseCommand];
