import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importResults } from '../../src/collector/import.js';
import { PgStore } from '../../src/collector/pg-store.js';
import { EmbeddedStore, type ResultsStore } from '../../src/collector/store.js';
import { makeResults } from '../helpers/collector-fixtures.js';
import { startPostgres } from '../helpers/collector-pg-helpers.js';

// Issue 17: an embedded data directory loads into PostgreSQL (or any store) idempotently.

const dir = mkdtempSync(join(tmpdir(), 'virtax-import-'));
const started = startPostgres();
afterAll(() => {
  if ('pg' in started) started.pg.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('import of an embedded data directory', () => {
  it('copies every valid result once; a second import changes nothing; invalid files are named', async () => {
    const source = new EmbeddedStore(join(dir, 'source'));
    await source.open();
    const files = Array.from({ length: 5 }, (_, i) => makeResults({ label: 'imp', startedAt: `2026-03-0${i + 1}T00:00:00Z` }));
    for (const f of files) await source.put(f);
    await source.close();
    writeFileSync(
      join(dir, 'source', 'results', '00000000-0000-4000-8000-000000000001.json'),
      JSON.stringify(makeResults({ startedAt: '2016-12-31T23:59:60Z' })),
    );

    const target: ResultsStore = 'pg' in started ? new PgStore(started.pg.url) : new EmbeddedStore(join(dir, 'target'));
    await target.open();
    try {
      const first = await importResults(target, join(dir, 'source'));
      expect(first).toMatchObject({ created: 5, duplicate: 0, conflict: 0, invalid: 1 });
      expect(first.problems[0]).toMatch(/00000000-0000-4000-8000-000000000001\.json: \/startedAt must be an ISO 8601 time/);
      const again = await importResults(target, join(dir, 'source'));
      expect(again).toMatchObject({ created: 0, duplicate: 5, invalid: 1 });
      expect(await target.idsForLabel('imp', 10)).toEqual(files.map((f) => f.id));
      console.log(
        `import into ${'pg' in started ? 'PostgreSQL' : `the embedded store (PostgreSQL skipped: ${started.skip})`}: 5 new, then 5 already stored`,
      );
    } finally {
      await target.close();
    }
  });
});
