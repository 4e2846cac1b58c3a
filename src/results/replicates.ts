/**
 * What may be pooled as replicate runs of one side: files of one label (one platform, as its user named it)
 * and one suite (the suites differ in batch and round lengths, so their figures are different measurements).
 * `compare --base/--cand`, the label grouping of `compare`/`report` and the gate's baseline pool all ask this
 * once; `--allow-mixed` pools anyway (issue 22: two labels and two suites were silently pooled).
 */
import type { ResultsFile } from '../types.js';

/** Why these files are not replicate runs of one side (null when they are). */
export function mixedRunsReason(files: readonly ResultsFile[], side: string): string | null {
  const labels = [...new Set(files.map((f) => f.label))];
  const suites = [...new Set(files.map((f) => f.config?.suite))];
  const parts: string[] = [];
  if (labels.length > 1) parts.push(`${labels.length} labels (${labels.join(', ')})`);
  if (suites.length > 1) parts.push(`${suites.length} suites (${suites.join(', ')})`);
  if (!parts.length) return null;
  return `${side}: the runs of one side must be one platform measured one way, but they carry ${parts.join(' and ')}; pass --allow-mixed to pool them anyway`;
}
