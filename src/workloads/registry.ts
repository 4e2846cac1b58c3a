/** A registry of workloads by id that refuses duplicates (as PerfKit's benchmark registry does). */
import { idMatches } from '../results/ids.js';
import type { AnyWorkload } from './types.js';

export class WorkloadRegistry {
  readonly #byId = new Map<string, AnyWorkload>();

  constructor(workloads: Iterable<AnyWorkload> = []) {
    for (const w of workloads) this.register(w);
  }

  register(w: AnyWorkload): void {
    if (!/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/.test(w.id)) throw new Error(`invalid workload id "${w.id}"`);
    if (this.#byId.has(w.id)) throw new Error(`duplicate workload id "${w.id}"`);
    if ((w.figure.kind === 'rate') !== (w.better === 'higher')) {
      throw new Error(`workload ${w.id}: a rate must be higher-is-better and a cost lower-is-better`);
    }
    this.#byId.set(w.id, w);
  }

  get(id: string): AnyWorkload | undefined {
    return this.#byId.get(id);
  }

  all(): AnyWorkload[] {
    return [...this.#byId.values()];
  }

  /**
   * Resolve user-typed ids with the one matcher (src/results/ids.ts): exact ids, families (`mem`, `mem.*`), globs.
   * Throws with the unknown names so the CLI can print one line.
   */
  select(patterns: string[]): AnyWorkload[] {
    const chosen = new Set<AnyWorkload>();
    const unknown: string[] = [];
    for (const raw of patterns) {
      const p = raw.trim();
      if (!p) continue;
      const matches = this.all().filter((w) => idMatches(w.id, p));
      if (matches.length === 0) unknown.push(p);
      for (const m of matches) chosen.add(m);
    }
    if (unknown.length) throw new Error(`unknown workload id(s): ${unknown.join(', ')} (see \`virtax list\`)`);
    return this.all().filter((w) => chosen.has(w));
  }
}
