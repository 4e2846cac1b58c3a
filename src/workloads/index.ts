/** Every built-in workload, one family per file. Adding a family means adding one import line here. */
import { WorkloadRegistry } from './registry.js';
import type { AnyWorkload } from './types.js';
import { cpuWorkloads } from './cpu.js';
import { memoryWorkloads } from './memory.js';
import { syscallWorkloads } from './syscall.js';
import { processWorkloads } from './process.js';
import { cryptoWorkloads } from './crypto.js';
import { storageWorkloads } from './storage.js';
import { fioWorkloads } from './fio.js';
import { networkWorkloads } from './network.js';
import { noisyWorkloads } from './noisy.js';

const families: AnyWorkload[][] = [
  cpuWorkloads,
  memoryWorkloads,
  syscallWorkloads,
  processWorkloads,
  cryptoWorkloads,
  storageWorkloads,
  fioWorkloads,
  networkWorkloads,
  noisyWorkloads,
];

export const registry = new WorkloadRegistry(families.flat());
