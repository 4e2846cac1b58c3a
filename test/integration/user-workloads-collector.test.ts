/**
 * The collector with a user's own workloads: it accepts results files with `user.*` rows (category `user`), and its
 * two-host report refuses (409, one line) files whose user module hashes differ unless `allowChangedWorkloads=1`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { startCollector } from '../../src/collector/server.js';
import type { ResultsFile } from '../../src/types.js';
import { makeResults } from '../helpers/collector-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'virtax-user-collector-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fixture whose only row is a user task from a module with content hash `sha`. */
function userResults(label: string, sha: string, figure: number): ResultsFile {
  const f = makeResults({ label, figure });
  f.workloads = f.workloads.map((w) => ({
    ...w,
    id: 'user.json-round-trip',
    category: 'user',
    title: 'json round trip (bench.mjs)',
    ...(w.status === 'ok' ? { params: { module: 'bench.mjs', moduleSha256: `sha256:${sha.repeat(64)}`, task: 'json round trip' } } : {}),
  }));
  return f;
}

describe('collector with user.* rows', () => {
  it('stores them; its report refuses changed modules with 409 unless allowChangedWorkloads=1', async () => {
    const c = await startCollector({ dataDir: dir, token: null, port: 0 });
    try {
      const a = userResults('metal', 'a', 1000);
      const same = userResults('vm', 'a', 900);
      const changed = userResults('vm-edited', 'b', 900);
      for (const f of [a, same, changed]) {
        const res = await request(`${c.url}/api/v1/results`, {
          method: 'POST',
          body: JSON.stringify(f),
          headers: { 'content-type': 'application/json' },
        });
        expect(res.statusCode, await res.body.text()).toBe(201);
      }
      const ok = await request(`${c.url}/report?ids=${a.id},${same.id}`);
      expect(ok.statusCode).toBe(200);
      expect(await ok.body.text()).toContain('user.json-round-trip');

      const refused = await request(`${c.url}/report?ids=${a.id},${changed.id}`);
      expect(refused.statusCode).toBe(409);
      expect(await refused.body.text()).toMatch(
        /refusing to compare: the workload module changed between the files for user\.json-round-trip .*&allowChangedWorkloads=1/,
      );
      const allowed = await request(`${c.url}/report?ids=${a.id},${changed.id}&allowChangedWorkloads=1`);
      expect(allowed.statusCode).toBe(200);
      await allowed.body.text();
    } finally {
      await c.close();
    }
  }, 60_000);
});
