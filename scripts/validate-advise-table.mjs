// The validation table of scripts/validate-advise.sh from its output directory: per program and platform the
// predicted slowdown with its interval, the measured one (median of 3 against the host's median of 3) and the
// prediction / actual ratio as time factors. The host timing is the one taken just before the platform's
// (time-host-PLATFORM-PROGRAM.json) where there is one. Usage: node scripts/validate-advise-table.mjs DIR
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir || !existsSync(dir)) {
  process.stderr.write('usage: node scripts/validate-advise-table.mjs DIR (the output of scripts/validate-advise.sh)\n');
  process.exit(2);
}
const read = (f) => (existsSync(join(dir, f)) ? JSON.parse(readFileSync(join(dir, f), 'utf8')) : null);
const pct = (x) => `${x >= 0 ? '+' : ''}${Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1)}%`;
const programs = readdirSync(dir).flatMap((f) => (/^pred-(.+)\.json$/.exec(f)?.[1] ? [/^pred-(.+)\.json$/.exec(f)[1]] : []));
const rows = [
  '| program | platform | predicted [interval] | carried by | actual (median of 3) | predicted / actual (time factors) |',
  '|---|---|---|---|---|---|',
];
for (const prog of programs) {
  const pred = read(`pred-${prog}.json`);
  for (const h of pred.hosts) {
    const base = read(`time-host-${h.label}-${prog}.json`) ?? read(`time-host-${prog}.json`);
    const t = read(`time-${h.label}-${prog}.json`);
    const s = h.slowdownPct;
    const floor = h.quota && h.quota.floorPct.point > h.perOperationPct.point;
    const top = floor
      ? `CPU quota (${h.quota.demandCores.toFixed(2)} CPU of work, ${h.quota.quotaCores} allowed; operations ${pct(h.perOperationPct.point)})`
      : Math.abs(s.point) < 5
        ? '-'
        : [...h.contributions]
            .sort((a, b) => Math.abs(b.addedPct.point) - Math.abs(a.addedPct.point))
            .slice(0, 3)
            .map((c) => `${c.operationClass} ${Math.round(c.sharePct ?? 0)}%`)
            .join(', ');
    const actual = t && base ? (100 * (t.median - base.median)) / base.median : null;
    const ratio = actual !== null ? (1 + s.point / 100) / (1 + actual / 100) : null;
    rows.push(
      `| ${prog} (${base ? base.median.toFixed(2) : '?'} s on the host) | ${h.label} | ${pct(s.point)} [${pct(s.lo)}, ${pct(s.hi)}] | ${top} | ${actual === null ? 'not timed' : `${pct(actual)} (${t.median.toFixed(2)} s)`} | ${ratio === null ? '-' : ratio.toFixed(2)} |`,
    );
  }
}
process.stdout.write(`${rows.join('\n')}\n`);
