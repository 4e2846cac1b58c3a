// Wall time of a command, run REPS times (default 3) from inside whatever platform this runs on:
// prints {"median": seconds, "all": [...]}. Used to check advise --app's prediction (docs/advise.md).
// Usage: node time-app.mjs CMD ARGS...
import { spawnSync } from 'node:child_process';

const reps = Number(process.env.REPS ?? 3);
const [cmd, ...args] = process.argv.slice(2);
if (!cmd) throw new Error('usage: node time-app.mjs CMD ARGS...');
const times = [];
for (let i = 0; i < reps; i++) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${cmd} exited ${r.status}`);
  times.push(Number(process.hrtime.bigint() - start) / 1e9);
}
times.sort((a, b) => a - b);
process.stdout.write(`${JSON.stringify({ median: times[Math.floor(times.length / 2)], all: times })}\n`);
