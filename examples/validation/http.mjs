// Validation program (docs/advise.md, scripts/validate-advise.sh): an HTTP server (node:http, JSON responses) in
// a child process under local load from autocannon (10 connections) for a fixed number of requests.
// Usage: node http.mjs [REQUESTS]
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import autocannon from 'autocannon';

if (process.argv[2] === '--serve') {
  const server = createServer((req, res) => {
    const body = JSON.stringify({ path: req.url, items: Array.from({ length: 20 }, (_, i) => ({ i, name: `item-${i}` })) });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => process.send?.(server.address().port));
  process.on('message', () => server.close(() => process.exit(0)));
} else {
  const requests = Number(process.argv[2] ?? 8000);
  const child = fork(new URL(import.meta.url).pathname, ['--serve']);
  const port = await new Promise((resolve) => child.once('message', resolve));
  const r = await autocannon({ url: `http://127.0.0.1:${port}/orders`, connections: 10, amount: requests });
  child.send('stop');
  await new Promise((resolve) => child.once('exit', resolve));
  if (r.non2xx || r.errors) throw new Error(`${r.non2xx} non-2xx responses, ${r.errors} errors`);
  process.stdout.write(`${r.requests.total} requests, ${r.requests.average} req/s\n`);
}
