/**
 * What this host is. (First cut: reads /proc and marker files directly; the full detector with
 * fixtures for every platform replaces the body of `detect`.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname, release, totalmem, cpus } from 'node:os';
import type { Fingerprint } from '../types.js';

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

export async function fingerprint(): Promise<Fingerprint> {
  const cpuinfo = read('/proc/cpuinfo') ?? '';
  const flags = new Set((/^flags\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? '').split(/\s+/));
  const evidence: string[] = [];
  const vm = flags.has('hypervisor');
  if (vm) evidence.push('cpuinfo: hypervisor flag');
  const ctr = existsSync('/.dockerenv');
  if (ctr) evidence.push('/.dockerenv present');
  return {
    hostname: hostname(),
    platform: vm && ctr ? 'container-in-vm' : vm ? 'vm' : ctr ? 'container' : 'metal',
    hypervisor: vm ? 'kvm' : null,
    container: ctr ? 'docker' : null,
    evidence,
    cloud: null,
    cpu: {
      model: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? 'unknown',
      cores: cpus().length,
      threads: cpus().length,
      mhz: Number(/^cpu MHz\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? 0),
      flags: { aes: flags.has('aes'), sha: flags.has('sha_ni'), rdrand: flags.has('rdrand'), avx2: flags.has('avx2'), avx512: flags.has('avx512f') },
    },
    clocksource: read('/sys/devices/system/clocksource/clocksource0/current_clocksource')?.trim() ?? null,
    kernel: release(),
    os: /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(read('/etc/os-release') ?? '')?.[1] ?? 'unknown',
    memoryBytes: totalmem(),
    numaNodes: 1,
  };
}
