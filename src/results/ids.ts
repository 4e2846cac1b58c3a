/**
 * The one matcher of user-typed workload ids (`--only`, gate config patterns): `run`, `compare`, `gate`
 * and `duel` select the same workloads for the same words.
 * - an exact id: `mem.latency`
 * - a family: `mem` or `mem.*` (every id starting with `mem.`)
 * - a glob with `*`: `*.latency`, `crypto.s*`
 */

/** Does `id` match the user's `pattern`? */
export function idMatches(id: string, pattern: string): boolean {
  const p = pattern.trim();
  if (p === id) return true;
  if (!p.includes('*')) return id.startsWith(`${p}.`);
  const re = new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(id);
}

/** Split `--only a,b c` into patterns (comma or space separated); null when none. */
export function onlyPatterns(only: readonly string[] | undefined | null): string[] | null {
  const ps = (only ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  return ps.length ? ps : null;
}

/** The ids (in `ids` order) that some pattern matches, and the patterns that match none. */
export function selectIds(ids: readonly string[], patterns: readonly string[]): { selected: string[]; unknown: string[] } {
  const unknown = patterns.filter((p) => !ids.some((id) => idMatches(id, p)));
  const selected = ids.filter((id) => patterns.some((p) => idMatches(id, p)));
  return { selected, unknown };
}
