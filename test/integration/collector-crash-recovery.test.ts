import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { asResultsFile } from '../../src/results/io.js';
import type { ResultsFile } from '../../src/types.js';
import { makeResults } from '../helpers/collector-fixtures.js';
import { spawnServe, waitExit, type ServerProcess } from '../helpers/collector-helpers.js';

const TOKEN = 'crash-token';
const dir = mkdtempSync(join(tmpdir(), 'virtax-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A result with enough samples that a write takes a while (so the kill can land mid-write). */
function bigResult(): ResultsFile {
  const f = makeResults();
  const w = f.workloads[0]!;
  if (w.status === 'ok') w.rounds[0]!.samples = Array.from({ length: 20_000 }, (_, i) => 1000 + (i % 97));
  return f;
}

describe('collector survives SIGKILL during concurrent uploads', () => {
  it('keeps every acknowledged upload complete and shows no half-written file, over repeated kills', async () => {
    const ROUNDS = 3;
    const acked = new Map<string, ResultsFile>();
    let failedAfterKill = 0;
    let visible: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // The token through the environment (as deployments pass it); the lock left by the killed server is
      // taken over by the next one.
      const server: ServerProcess = await spawnServe(['--port', '0', '--data', dir], { VIRTAX_TOKEN: TOKEN });
      const agent = new Agent({ connections: 32 });
      const target = acked.size + 40;
      let killed = false;
      const worker = async () => {
        while (!killed) {
          const f = bigResult();
          try {
            const res = await request(`${server.url}/api/v1/results`, {
              method: 'POST',
              dispatcher: agent,
              body: JSON.stringify(f),
              headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
            });
            await res.body.text();
            if (res.statusCode === 201) acked.set(f.id, f);
          } catch {
            failedAfterKill++;
          }
        }
      };
      const workers = Array.from({ length: 16 }, worker);
      // Kill once a fair number more are acknowledged, while the others are in flight.
      while (acked.size < target) await new Promise((r) => setTimeout(r, 20));
      server.child.kill('SIGKILL');
      killed = true;
      await waitExit(server.child);
      await Promise.all(workers);
      await agent.close();

      // Before any restart: every visible (non-dot) file is complete and valid.
      visible = readdirSync(join(dir, 'results')).filter((n) => !n.startsWith('.'));
      for (const name of visible) asResultsFile(JSON.parse(readFileSync(join(dir, 'results', name), 'utf8')), name);
      expect(visible.length).toBeGreaterThanOrEqual(acked.size);
    }
    expect(acked.size).toBeGreaterThanOrEqual(40 * ROUNDS);

    const again = await spawnServe(['--port', '0', '--data', dir], { VIRTAX_TOKEN: TOKEN });
    try {
      let present = 0;
      for (const [id, f] of acked) {
        const res = await request(`${again.url}/api/v1/results/${id}`);
        expect(res.statusCode).toBe(200);
        expect(JSON.parse(await res.body.text())).toEqual(f);
        present++;
      }
      const list = await request(`${again.url}/api/v1/results?limit=1000`);
      const body = JSON.parse(await list.body.text()) as { total: number; items: Array<{ id: string }> };
      const listed = new Set(body.items.map((i) => i.id));
      for (const id of acked.keys()) expect(listed.has(id)).toBe(true);
      expect(body.total).toBe(visible.length);
      // Temp files of interrupted writes are gone after the restart.
      expect(readdirSync(join(dir, 'results')).filter((n) => n.startsWith('.'))).toEqual([]);
      console.log(
        `crash test: ${ROUNDS} SIGKILL rounds, ${acked.size} acknowledged, ${present} of them present and identical after restart, ${visible.length} visible, ${failedAfterKill} requests cut off; last restart: ${again.stderr().split('\n')[0]}`,
      );
    } finally {
      again.child.kill('SIGTERM');
      await waitExit(again.child);
    }
  }, 180_000); // four server starts from source under tsx: slow when the machine is busy
});
