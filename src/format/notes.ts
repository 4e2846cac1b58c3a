/**
 * The words of every note on a compared row (the closed set `RowNote` in src/types.ts), in one place: the
 * estimators and the engine store codes and numbers; compare, report, duel and gate print these sentences.
 */
import type { NoSpread, RowNote } from '../types.js';

/** "95%", "99.17%": a confidence level without trailing zeros. */
export function levelText(level: number): string {
  return `${(100 * level).toPrecision(4).replace(/\.?0+$/, '')}%`;
}

const runOf = (run: number | null) => (run === null ? '' : ` (run ${run})`);
const otherWork = (x: number | null) => (x === null ? '' : ` (other work took up to ${x.toFixed(0)}% of a round)`);

/** Why an interval would have zero width, in words. */
export function noSpreadText(n: NoSpread): string {
  switch (n.code) {
    case 'no-spread-runs':
      return 'the run figures do not vary at all on either side: the interval has zero width and cannot be trusted';
    case 'no-spread-rounds':
      return `no spread between rounds on ${n.sides.map((x) => `${x.side} (all ${x.rounds} rounds read ${String(Number(x.figure.toPrecision(4)))})`).join(' and ')}: a zero-width side makes the interval overconfident (a quantised timer?)`;
    case 'no-spread-pairs':
      return `every pair has the same ratio (${n.pairs} pairs): a zero-width interval would be overconfident (a quantised timer?)`;
  }
}

/** One row note in words. */
export function noteText(n: RowNote): string {
  switch (n.code) {
    case 'contended-rounds':
      return n.kept
        ? `CONTENDED: ${n.side} has ${n.contended} of ${n.of} round(s) starved by other work${otherWork(n.worstPct)} and too few clean ones (need ${n.need}): verdict not trustworthy, rerun on a quiet host`
        : `CONTENDED: ${n.side} had ${n.contended} round(s) starved by other work${otherWork(n.worstPct)}; dropped, ${n.clean} clean round(s) used`;
    case 'contended-pairs':
      return n.kept
        ? `CONTENDED: ${n.contended} of ${n.of} round pair(s) starved by other work and too few clean ones (need ${n.need}): verdict not trustworthy, rerun on a quiet host`
        : `CONTENDED: ${n.contended} round pair(s) starved by other work dropped, ${n.clean} clean pair(s) used`;
    case 'rounds-dropped':
      return `${n.side}${runOf(n.run)}: ${n.rounds} round(s) dropped (zero, negative or non-finite figure)`;
    case 'samples-dropped':
      return `${n.side}${runOf(n.run)}: ${n.samples} batch sample(s) dropped (zero, negative or non-finite)`;
    case 'shared-spread':
      return `${n.side} has one run: its run-to-run spread is taken to be the other side's (${n.otherRuns} runs)`;
    case 'loopback':
      return 'loopback: the traffic never left the kernel on a side (no NIC, virtual or real); measures the TCP stack and wake-ups, not a NIC';
    case 'welch-runs':
      return `${n.baseRuns} vs ${n.candRuns} runs: Welch t interval across run figures (ν = ${n.nu.toFixed(1)})`;
    case 'lopsided-rounds':
      return `lopsided: ${n.base} vs ${n.cand} rounds; the interval rests on the smaller side's spread, and slower/faster also needs the rank test at q <= α`;
    case 'few-rounds':
      return `only ${n.rounds} rounds on a side: the spread between rounds is barely estimated`;
    case 'runs-missing':
      return `${n.side}: ${n.missing} of ${n.of} runs did not measure it (skipped or failed); the others are used`;
    case 'one-usable-run':
      return 'one usable run per side for this workload: its interval covers those two runs only';
    case 'params-differ':
      return 'parameters differ between the two sides: not quite the same measurement';
    case 'withheld-no-spread':
      return `${noSpreadText(n.spread)}; no ${n.verdict} verdict`;
    case 'withheld-contended':
      return `measured mostly on rounds starved by other work: no clean ${n.verdict} verdict (rerun on a quiet host)`;
    case 'withheld-test-cannot-reach':
      return `the ${n.test} test cannot reach p <= ${n.alpha} with these counts (smallest possible p ${n.minP.toPrecision(3)}): no ${n.verdict} verdict`;
    case 'withheld-lopsided':
      return `lopsided round counts and the ${n.test} test does not confirm it (q = ${n.q.toPrecision(2)} > ${n.alpha}): no ${n.verdict} verdict`;
    case 'fcr':
      return `interval at ${levelText(n.level)}: false-coverage-rate adjusted (Benjamini-Yekutieli) for ${n.selected} of ${n.of} ${n.rule ?? 'rows called slower/faster'}${n.after !== n.before ? `; ${n.before} does not survive it` : ''}`;
    case 'runs-to-settle':
      return `about ${n.runs} runs per side would settle it${n.range ? ` (${n.range.lo}-${n.range.hi} at 80% confidence in the run-to-run spread, estimated with ${n.range.nu.toFixed(1)} degrees of freedom)` : ''} (more rounds per run do not remove run-to-run variation)`;
    case 'too-many':
      return `more than ${n.max} ${n.unit} per side would be needed to settle it at this spread`;
    case 'on-threshold':
      return `the interval is already narrower than the noise band ±${n.noisePct}% but straddles a threshold: the overhead may sit on it, and more ${n.unit} settle it only slowly`;
    case 'test-unconfirmed':
      return `the ${n.test} test does not confirm it at a false-discovery rate of ${n.alpha} (q = ${n.q.toPrecision(2)})`;
    case 'kernel-trap':
      return `kernel time per op under ${n.guest} leaves out the trap (the guest books it outside its own system time): read the wall-time figure`;
    case 'paired-method':
      return `paired: ${n.pairs} round pairs, Hodges-Lehmann on per-pair log ratios, Walsh-average interval, Wilcoxon signed-rank p`;
    case 'unpaired-rounds':
      return `${n.rounds} unpaired round(s) left out`;
    case 'bad-pairs':
      return `${n.pairs.length} pair(s) left out for a zero, negative or non-finite figure: ${n.pairs.map((p) => `pair ${p.pair} (A ${p.a}, B ${p.b})`).join(', ')}`;
    case 'achieved-level':
      return `with ${n.pairs} pairs the widest distribution-free interval [min, max] covers ${(100 * n.achieved).toFixed(2)}%, not ${(100 * n.level).toFixed(0)}%`;
    case 'text':
      return n.text;
  }
}

/** A row's notes as codes; a row written before codes existed gives its words as `text`. */
export function noteCodesOf(r: { notes: readonly string[]; noteCodes?: readonly RowNote[] }): RowNote[] {
  return r.noteCodes ? [...r.noteCodes] : r.notes.map((text) => ({ code: 'text', text }));
}
