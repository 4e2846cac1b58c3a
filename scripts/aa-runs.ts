/**
 * A/A check across separately launched runs of one machine (docs/compare.md): every file in DIR is a
 * run of the same platform, in launch order. Prints, for 1, 2, 3 and 5 runs per side, how
 * many rows were called slower or faster: all of them are false calls, since both sides are the same
 * machine. Each comparison takes a block of 2k consecutive runs and gives alternate runs to the two
 * sides (A B A B ...), so slow drift of a shared machine's load lands on both sides alike; `--blocks`
 * gives the first k runs of the block to one side and the next k to the other instead, which shows what
 * drift does. Usage: npx tsx scripts/aa-runs.ts DIR [--blocks]
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadResults } from '../src/results/io.js';
import { compareRunSets } from '../src/stats/compare.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: npx tsx scripts/aa-runs.ts DIR');
const files = readdirSync(dir)
  .filter((n) => n.endsWith('.json'))
  .sort()
  .map((n) => loadResults(join(dir, n)));
console.log(
  `${files.length} runs; load average (1 min) at start of each run: ${files.map((f) => f.conditions.loadAvg1Start.toFixed(1)).join(' ')}`,
);
console.log('| runs per side | comparisons | rows | slower | faster | same | inconclusive | false calls |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const k of [1, 2, 3, 5]) {
  const counts = { slower: 0, faster: 0, same: 0, inconclusive: 0 };
  let comps = 0;
  for (let i = 0; i + 2 * k <= files.length; i += 2 * k) {
    const block = files.slice(i, i + 2 * k);
    const [base, cand] = process.argv.includes('--blocks')
      ? [block.slice(0, k), block.slice(k)]
      : [block.filter((_, j) => j % 2 === 0), block.filter((_, j) => j % 2 === 1)];
    const c = compareRunSets(base, cand, {});
    for (const r of c.rows)
      if (r.status === 'compared' && (r.verdict === 'slower' || r.verdict === 'faster'))
        console.error(
          `  ${k} vs ${k} from run ${i + 1}: ${r.id} ${r.verdict} ${r.overheadPct.point.toFixed(1)}% [${r.overheadPct.lo.toFixed(1)}, ${r.overheadPct.hi.toFixed(1)}] (${r.overheadPct.method})`,
        );
    comps++;
    for (const r of c.rows) if (r.status === 'compared') counts[r.verdict]++;
  }
  const rows = counts.slower + counts.faster + counts.same + counts.inconclusive;
  const falseCalls = counts.slower + counts.faster;
  console.log(
    `| ${k} | ${comps} | ${rows} | ${counts.slower} | ${counts.faster} | ${counts.same} | ${counts.inconclusive} | ${falseCalls}/${rows} (${((100 * falseCalls) / Math.max(1, rows)).toFixed(1)}%) |`,
  );
}
