/** Every CLI command. Adding a command means adding its file and one line here. */
import { compareResults } from '../../stats/compare.js';
import type { CliCommand } from '../command.js';
import { baselineCommand } from './baseline.js';
import { compareCommand } from './compare.js';
import { fingerprintCommand } from './fingerprint.js';
import { makeGateCommand } from './gate.js';
import { listCommand } from './list.js';
import { runCommand } from './run.js';

export const commands: CliCommand[] = [listCommand, fingerprintCommand, runCommand, compareCommand, makeGateCommand(compareResults), baselineCommand];
