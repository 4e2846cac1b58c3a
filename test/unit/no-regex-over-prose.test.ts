/**
 * Meaning travels as codes and numbers, not English (issue 26): no part of src/ may recover a fact by matching a
 * regular expression against the words another part wrote (a warning, a note, a reason, a notice, a headline) or
 * against the paths of a workload's `extra`. Regular expressions stay where they parse external text (flags,
 * /proc and /sys, tool output, network bytes, units and labels of results files); the one parser of older files'
 * untyped noisy-neighbour `extra` is src/results/noisy.ts. Pure: reads files, starts nothing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(new URL('../..', import.meta.url).pathname, 'src');
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });

/** A line that runs a regular expression (test, exec, match, search, a RegExp) or matches words' start or end ... */
const RUNS_REGEX = /\.(test|exec|match|matchAll|search|startsWith|endsWith)\(|new RegExp\(/;
/** ... on something that carries the project's own words, or walks a workload's extra. */
const PROSE = /warning|note|reason|statement|notice|headline|inconclusive|\bextra\b|numericLeaves/i;
/** Parsers of external data, where such names mean the input's own fields. */
const ALLOWED = new Set(['results/noisy.ts']);

describe('no regular expression over prose', () => {
  it('no line of src/ matches a regular expression against warnings, notes, reasons, notices or extra paths', () => {
    const offending = sources(src).flatMap((p) => {
      const rel = relative(src, p);
      if (ALLOWED.has(rel)) return [];
      return readFileSync(p, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          RUNS_REGEX.test(line) && PROSE.test(line) && !line.trim().startsWith('*') ? [`${rel}:${i + 1}: ${line.trim()}`] : [],
        );
    });
    expect(offending).toEqual([]);
  });

  it('catches the patterns it forbids', () => {
    const line = 'const cmpSaysCpu = (comparison?.warnings ?? []).some((w) => /cpu model/i.test(w));';
    expect(RUNS_REGEX.test(line) && PROSE.test(line)).toBe(true);
    // the two that stood until the notes became codes
    for (const l of ["r.notes.filter((n) => !n.startsWith('paired: '))", "best.security.notes.find((n) => n.startsWith('shares'))"])
      expect(RUNS_REGEX.test(l) && PROSE.test(l)).toBe(true);
  });
});
