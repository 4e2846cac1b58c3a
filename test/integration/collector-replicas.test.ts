import { afterAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import type { ResultsFile } from '../../src/types.js';
import { makeResults } from '../helpers/collector-fixtures.js';
import { spawnServe, waitExit, type ServerProcess } from '../helpers/collector-helpers.js';
import { startPostgres } from '../helpers/collector-pg-helpers.js';

// Issue 17: several `virtax serve --db` replicas on one PostgreSQL serve the same data; racing uploads of
// one id make one row; SIGKILL of a replica loses nothing it acknowledged; a replica that loses the database
// says so on /readyz and recovers without a restart. A real PostgreSQL, skipped only when none starts here.

const started = startPostgres();
const skip = 'skip' in started ? started.skip : null;
const pg = 'pg' in started ? started.pg : null;
afterAll(() => pg?.stop());
const TOKEN = 'replica-token';
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

async function post(url: string, f: ResultsFile, dispatcher?: Agent) {
  const res = await request(`${url}/api/v1/results`, { method: 'POST', body: JSON.stringify(f), headers, dispatcher });
  const text = await res.body.text();
  return { status: res.statusCode, text };
}

describe.skipIf(skip !== null)(`collector replicas on one PostgreSQL${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('share data, race one id into one row, survive a SIGKILL of one, and report a database outage on /readyz', async () => {
    const env = { VIRTAX_TOKEN: TOKEN, VIRTAX_DB: pg!.url };
    const a: ServerProcess = await spawnServe(['--port', '0'], env);
    const b: ServerProcess = await spawnServe(['--port', '0'], env);
    try {
      // What one replica stores, the other serves.
      const f = makeResults({ label: 'replicas' });
      expect((await post(a.url, f)).status).toBe(201);
      const viaB = await request(`${b.url}/api/v1/results/${f.id}`);
      expect(viaB.statusCode).toBe(200);
      expect(JSON.parse(await viaB.body.text())).toEqual(f);

      // One id raced on both replicas: exactly one 201, the rest 200, one row.
      const raced = makeResults({ label: 'replicas' });
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => post(i % 2 ? a.url : b.url, raced)));
      expect(answers.filter((r) => r.status === 201).length).toBe(1);
      expect(answers.filter((r) => r.status === 200).length).toBe(9);
      const listed = JSON.parse(await (await request(`${a.url}/api/v1/results?label=replicas`)).body.text()) as { total: number };
      expect(listed.total).toBe(2);
      // Pages and history are built from the database's texts.
      const history = await request(`${b.url}/api/v1/history?label=replicas`);
      expect(history.statusCode).toBe(200);
      expect((JSON.parse(await history.body.text()) as { results: number }).results).toBe(2);
      const page = await request(`${a.url}/report?ids=${f.id},${raced.id}`);
      expect(page.statusCode).toBe(200);
      expect(await page.body.text()).toContain('<html');

      // SIGKILL replica A under load; everything it acknowledged is served by B.
      const acked = new Map<string, ResultsFile>();
      const agent = new Agent({ connections: 16 });
      let killed = false;
      const worker = async () => {
        while (!killed) {
          const g = makeResults({ label: 'replicas-kill' });
          try {
            if ((await post(a.url, g, agent)).status === 201) acked.set(g.id, g);
          } catch {
            // cut off by the kill
          }
        }
      };
      const workers = Array.from({ length: 8 }, worker);
      while (acked.size < 40) await new Promise((r) => setTimeout(r, 20));
      a.child.kill('SIGKILL');
      killed = true;
      await waitExit(a.child);
      await Promise.all(workers);
      await agent.close();
      for (const [id, g] of acked) {
        const res = await request(`${b.url}/api/v1/results/${id}`);
        expect(res.statusCode).toBe(200);
        expect(JSON.parse(await res.body.text())).toEqual(g);
      }

      // The database goes away: B stays alive (/healthz), says why it is not ready, and recovers by itself.
      expect((await request(`${b.url}/readyz`)).statusCode).toBe(200);
      pg!.pause();
      const down = await request(`${b.url}/readyz`);
      expect(down.statusCode).toBe(503);
      expect(JSON.parse(await down.body.text()).error).toMatch(/^not ready: database unreachable/);
      expect((await request(`${b.url}/healthz`)).statusCode).toBe(200);
      // An upload meanwhile is a 503 with Retry-After (the client retries), not a 500.
      const refused = await request(`${b.url}/api/v1/results`, {
        method: 'POST',
        body: JSON.stringify(makeResults({ label: 'replicas' })),
        headers,
      });
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');
      expect(JSON.parse(await refused.body.text()).error).toMatch(/^storage unavailable: database unreachable/);
      pg!.resume();
      let ready = 0;
      for (let i = 0; i < 50 && ready !== 200; i++) {
        const res = await request(`${b.url}/readyz`);
        ready = res.statusCode;
        await res.body.text();
        if (ready !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      expect(ready).toBe(200);
      expect((await post(b.url, makeResults({ label: 'replicas' }))).status).toBe(201);
      console.log(`replicas: ${acked.size} acknowledged by the killed replica, all served by the other`);
    } finally {
      for (const s of [a, b]) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
      await Promise.all([waitExit(a.child), waitExit(b.child)]);
    }
  }, 120_000);
});
