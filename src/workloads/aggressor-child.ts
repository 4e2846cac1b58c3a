/**
 * One aggressor worker's own process (forked by `startAggressor` in aggressor.ts, one per worker): its kind, length and
 * duty cycle come in the environment; it loads until the deadline and reports its operations over IPC.
 */
import { isAggressorKind, workerMain } from './aggressor.js';

const kind = process.env.VIRTAX_AGGRESSOR_KIND ?? '';
const seconds = Number(process.env.VIRTAX_AGGRESSOR_SECONDS);
if (!isAggressorKind(kind) || !(seconds > 0)) {
  process.stderr.write(`aggressor worker: bad kind "${kind}" or seconds "${process.env.VIRTAX_AGGRESSOR_SECONDS}"\n`);
  process.exit(2);
}
const on = Number(process.env.VIRTAX_AGGRESSOR_ON);
const off = Number(process.env.VIRTAX_AGGRESSOR_OFF);
const duty = process.env.VIRTAX_AGGRESSOR_ON !== undefined && on > 0 && off >= 0 ? { onSeconds: on, offSeconds: off } : null;
void workerMain(kind, seconds, duty, Number(process.env.VIRTAX_AGGRESSOR_EPOCH) || Date.now());
