/**
 * The guard for a user's own workloads (`user.*`, from `virtax run --workload`): two results files measured the same
 * task only if its module had the same content. Readers that compare files (compare, gate, report) refuse when a
 * task's module hash differs between the sides, unless told to (`--allow-changed-workloads`): a faster figure from
 * an edited benchmark is not a faster platform.
 */
import type { ResultsFile } from '../types.js';

function hashesById(files: readonly ResultsFile[]): Map<string, { hashes: Set<string>; module: string }> {
  const out = new Map<string, { hashes: Set<string>; module: string }>();
  for (const f of files) {
    for (const w of f.workloads) {
      if (w.status !== 'ok' || w.category !== 'user') continue;
      const sha = w.params.moduleSha256;
      if (typeof sha !== 'string') continue;
      const entry = out.get(w.id) ?? { hashes: new Set<string>(), module: typeof w.params.module === 'string' ? w.params.module : '?' };
      entry.hashes.add(sha);
      out.set(w.id, entry);
    }
  }
  return out;
}

const short = (sha: string) => sha.replace(/^sha256:/, '').slice(0, 12);

/**
 * A one-line reason when some `user.*` workload measured on both sides ran from modules with different content
 * (by the sha256 each results file records), else null.
 */
export function changedWorkloadModules(base: readonly ResultsFile[], cand: readonly ResultsFile[]): string | null {
  const b = hashesById(base);
  const c = hashesById(cand);
  const changed: string[] = [];
  for (const [id, side] of b) {
    const other = c.get(id);
    if (!other) continue;
    const same = side.hashes.size === other.hashes.size && [...side.hashes].every((h) => other.hashes.has(h));
    if (!same) changed.push(`${id} (${side.module} ${[...side.hashes].map(short).join('/')} vs ${other.module} ${[...other.hashes].map(short).join('/')})`);
  }
  if (changed.length === 0) return null;
  return `refusing to compare: the workload module changed between the files for ${changed.join(', ')}; pass --allow-changed-workloads to compare anyway`;
}
