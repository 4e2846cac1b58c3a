/**
 * Loopback labels for readers (advise, report) without importing the network workloads themselves (their
 * HTTP and load-test clients are heavy): a results file's net.* figures carry `params.link`.
 */
import type { ResultsFile } from '../types.js';

/** One line naming the results whose network figures were measured on loopback, null when none were. */
export function loopbackNote(files: readonly ResultsFile[]): string | null {
  const labels = files
    .filter((f) => f.workloads.some((w) => w.status === 'ok' && w.category === 'network' && w.params.link === 'loopback'))
    .map((f) => f.label);
  if (labels.length === 0) return null;
  return `network figures of ${[...new Set(labels)].join(', ')} were measured on loopback: they are the kernel's TCP stack, not a NIC's cost (measure with --peer for NIC costs)`;
}
