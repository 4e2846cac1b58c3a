import { fingerprint } from '../../probes/fingerprint.js';
import type { CliCommand } from '../command.js';
import type { Fingerprint } from '../../types.js';

export function formatFingerprint(f: Fingerprint): string {
  const flags = Object.entries(f.cpu.flags).filter(([, v]) => v).map(([k]) => k).join(' ') || 'none';
  const lines = [
    `host         ${f.hostname}`,
    `platform     ${f.platform}`,
    `hypervisor   ${f.hypervisor ?? '-'}`,
    `container    ${f.container ?? '-'}`,
    `cloud        ${f.cloud ?? '-'}`,
    `cpu          ${f.cpu.model}, ${f.cpu.cores} cores / ${f.cpu.threads} threads${f.cpu.mhz ? `, ${Math.round(f.cpu.mhz)} MHz` : ''}`,
    `cpu flags    ${flags}`,
    `clocksource  ${f.clocksource ?? 'unknown'}`,
    `kernel       ${f.kernel}`,
    `os           ${f.os}`,
    `memory       ${(f.memoryBytes / 2 ** 30).toFixed(1)} GiB, ${f.numaNodes} NUMA node${f.numaNodes === 1 ? '' : 's'}`,
    'evidence (one line per observation):',
    ...(f.evidence.length ? f.evidence.map((e) => `  - ${e}`) : ['  (none: no sign of virtualization or containers found)']),
  ];
  return lines.join('\n');
}

export const fingerprintCommand: CliCommand = {
  command: 'fingerprint',
  describe: 'Say what this host is (metal, VM, container, container in a VM) and why',
  builder: (y) =>
    y
      .option('json', { type: 'boolean', describe: 'Print the fingerprint as JSON' })
      .example('virtax fingerprint', 'platform (metal, vm, container, container-in-vm), hypervisor, and the evidence behind it')
      .example('virtax fingerprint --json > host.json', 'the same as JSON (the host field of every results file)'),
  run: async (args: { json?: boolean }) => {
    const f = await fingerprint();
    process.stdout.write(args.json ? `${JSON.stringify(f, null, 2)}\n` : `${formatFingerprint(f)}\n`);
    return 0;
  },
};
