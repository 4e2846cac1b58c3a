/**
 * ARCHITECTURE.md's folder table is the rule for imports between the parts of src/: each row's "may import"
 * column lists what that folder (or loose file) may import. This parses every relative import in src/ and fails on
 * any edge the table does not allow, and on a folder without a row (issue 26: the table had been false for 6
 * folders). `types`, `errors` and `version` are leaves everyone may import. Pure: reads files, starts nothing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(new URL('../..', import.meta.url).pathname);
const src = join(repo, 'src');
const LEAVES = new Set(['types', 'errors', 'version']);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** A file's part: its top folder under src/ (under src/probes/, its sub-folder or loose file), or the loose file's name without .ts. */
const partOf = (p: string): string => {
  const r = relative(src, p).split('/');
  if (r[0] === 'probes' && r.length > 1) return `probes/${(r[1] as string).replace(/\.ts$/, '')}`;
  return r.length === 1 ? (r[0] as string).replace(/\.ts$/, '') : (r[0] as string);
};

/** Folder -> the parts its row says it may import ("everything above" for cli). */
function table(): Map<string, Set<string> | 'all'> {
  const rows = new Map<string, Set<string> | 'all'>();
  for (const line of readFileSync(join(repo, 'ARCHITECTURE.md'), 'utf8').split('\n')) {
    const m = /^\| `src\/((?:probes\/)?[^`/]+?)(?:\.ts)?\/?` \|.*\| ([^|]*) \|$/.exec(line);
    if (!m) continue;
    const may = (m[2] as string).trim();
    rows.set(
      m[1] as string,
      /everything/.test(may)
        ? 'all'
        : new Set(
            may
              .split(',')
              .map((s) =>
                s
                  .trim()
                  .replace(/\s*\(.*$/, '')
                  // `probes/engine` names a part; `collector/tokens.ts` names a file of the part `collector`
                  .replace(/^(probes\/[^/\s]+).*$|\/.*$/, '$1'),
              )
              .filter((s) => s && s !== 'nothing'),
          ),
    );
  }
  return rows;
}

describe('imports between the parts of src/ follow ARCHITECTURE.md', () => {
  it('every edge is allowed by the table, and every part has a row', () => {
    const rules = table();
    const bad: string[] = [];
    for (const f of sources(src)) {
      const from = partOf(f);
      const rule = rules.get(from);
      if (rule === undefined) {
        bad.push(`${relative(repo, f)}: src/${from} has no row in ARCHITECTURE.md's folder table`);
        continue;
      }
      for (const m of readFileSync(f, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s+['"](\.[^'"]+)['"]/g)) {
        const to = partOf(resolve(dirname(f), (m[1] as string).replace(/\.js$/, '.ts')));
        if (to === from || LEAVES.has(to) || rule === 'all' || rule.has(to)) continue;
        bad.push(`${relative(repo, f)} imports ${m[1]} (src/${to}): not in src/${from}'s "may import"`);
      }
    }
    expect(bad, bad.join('\n')).toEqual([]);
  });

  it('no part imports another that imports it back, however far round (the layout runs one way)', () => {
    const edges = new Map<string, Set<string>>();
    for (const f of sources(src)) {
      const from = partOf(f);
      for (const m of readFileSync(f, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s+['"](\.[^'"]+)['"]/g)) {
        const to = partOf(resolve(dirname(f), (m[1] as string).replace(/\.js$/, '.ts')));
        if (to !== from) edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (p: string, path: string[]) => {
      if (state.get(p) === 'done') return;
      if (state.get(p) === 'open') {
        cycles.push([...path.slice(path.indexOf(p)), p].join(' -> '));
        return;
      }
      state.set(p, 'open');
      for (const q of edges.get(p) ?? []) visit(q, [...path, p]);
      state.set(p, 'done');
    };
    for (const p of edges.keys()) visit(p, []);
    expect(cycles, cycles.join('\n')).toEqual([]);
  });
});
