import { fingerprint, outerPlatformSpec, recordFingerprint } from '../../probes/host/fingerprint.js';
import type { CliCommand } from '../command.js';
import type { Fingerprint } from '../../types.js';

export function formatFingerprint(f: Fingerprint): string {
  const flags =
    Object.entries(f.cpu.flags)
      .filter(([, v]) => v)
      .map(([k]) => k)
      .join(' ') || 'none';
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
    ...(f.nesting
      ? [
          `nesting      ${f.nesting.length ? f.nesting.map((l) => `${l.layer}:${l.name}${l.source === 'launcher' ? ' (launcher)' : ''}`).join(' > ') : '- (none)'}`,
        ]
      : []),
    ...(f.sandbox ? [`sandbox      ${f.sandbox.runtime}, platform ${f.sandbox.platform ?? 'unknown'}, kernel ${f.sandbox.kernel}`] : []),
    ...(f.limits
      ? [
          `limits       cpu quota ${f.limits.cpuQuotaCores ?? 'none'}${f.limits.cpuQuotaCores === null ? '' : ' cores'}, cpuset ${f.limits.cpuset ?? 'unknown'}, memory ${f.limits.memoryLimitBytes === null ? 'unlimited' : `${(f.limits.memoryLimitBytes / 2 ** 30).toFixed(2)} GiB`}`,
        ]
      : []),
    ...(f.thp !== undefined ? [`thp          ${f.thp ?? 'unknown'}`] : []),
    ...(f.mitigations
      ? [
          `mitigations  ${
            Object.keys(f.mitigations).length
              ? Object.entries(f.mitigations)
                  .filter(([, v]) => !/^not affected/i.test(v))
                  .map(([k]) => k)
                  .join(' ') || 'none needed (not affected)'
              : 'unreadable'
          }`,
        ]
      : []),
    'evidence (one line per observation):',
    ...(f.evidence.length ? f.evidence.map((e) => `  - ${e}`) : ['  (none: no sign of virtualization or containers found)']),
  ];
  return lines.join('\n');
}

export const fingerprintCommand: CliCommand = {
  command: 'fingerprint',
  describe: 'Say what this host is (metal, VM, nested guest, container, sandbox) and why',
  builder: (y) =>
    y
      .option('json', { type: 'boolean', describe: 'Print the fingerprint as JSON' })
      .option('record', { type: 'string', describe: 'Also write the files detection read under DIR (a test fixture)' })
      .option('outer', {
        type: 'boolean',
        describe: "Print only this host's layers as a launcher passes them to a guest (VIRTAX_OUTER_PLATFORM)",
      })
      .example(
        'virtax fingerprint',
        'platform (metal, vm, vm-in-vm, container, container-in-vm, sandbox-in-vm), hypervisor, runtime, and the evidence',
      )
      .example('virtax fingerprint --json > host.json', 'the same as JSON (the host field of every results file)')
      .example(
        'VIRTAX_OUTER_PLATFORM="$(virtax fingerprint --outer)" scripts/uml-agent.sh fingerprint',
        'what a guest says it is, told what it runs inside',
      ),
  run: async (args: { json?: boolean; record?: string; outer?: boolean }) => {
    const f = args.record ? recordFingerprint(args.record) : await fingerprint();
    const text = args.outer ? outerPlatformSpec(f) : args.json ? JSON.stringify(f, null, 2) : formatFingerprint(f);
    process.stdout.write(`${text}\n`);
    return 0;
  },
};
