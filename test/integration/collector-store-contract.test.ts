import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgStore } from '../../src/collector/pg-store.js';
import { EmbeddedStore, type ResultsStore } from '../../src/collector/store.js';
import { makeResults } from '../helpers/collector-fixtures.js';
import { startPostgres, type Postgres } from '../helpers/collector-pg-helpers.js';

// Issue 17: the embedded store (files + SQLite) and the PostgreSQL store behind one interface, passing the
// same contract. PostgreSQL is a real throwaway cluster; its half is skipped, with the reason, only when
// none can be started here.

const tmp = mkdtempSync(join(tmpdir(), 'virtax-contract-'));
const started = startPostgres();
const pgServer: Postgres | null = 'pg' in started ? started.pg : null;
afterAll(() => {
  pgServer?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

let n = 0;
const backends: Array<[string, () => ResultsStore, string | null]> = [
  ['embedded (files + SQLite)', () => new EmbeddedStore(join(tmp, `e${++n}`)), null],
  ['PostgreSQL', () => new PgStore(pgServer?.url ?? 'postgres://none', { max: 4 }), 'skip' in started ? started.skip : null],
];

describe.skipIf(pgServer === null)('PostgreSQL migrations', () => {
  it('replicas opening a fresh database at once apply each migration once', async () => {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: pgServer!.url });
    await client.connect();
    await client.query('CREATE DATABASE fresh');
    await client.end();
    const url = pgServer!.url.replace('/postgres?', '/fresh?');
    const replicas = Array.from({ length: 4 }, () => new PgStore(url, { max: 2 }));
    const reports = await Promise.all(replicas.map((r) => r.open()));
    expect(reports.every((r) => r.indexed === 0)).toBe(true);
    const check = new pg.Client({ connectionString: url });
    await check.connect();
    const versions = (await check.query<{ version: number }>('SELECT version FROM virtax_schema ORDER BY version')).rows.map(
      (r) => r.version,
    );
    await check.end();
    expect(versions).toEqual([1, 2]);
    await Promise.all(replicas.map((r) => r.close()));
  });
});

for (const [name, make, skip] of backends) {
  describe.skipIf(skip !== null)(`store contract: ${name}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    let store: ResultsStore;
    beforeAll(async () => {
      store = make();
      await store.open();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('created, then duplicate for the same content in any key order or id case, conflict for other content', async () => {
      const f = makeResults({ label: 'c-dup' });
      expect(await store.put(f)).toEqual({ status: 'created', id: f.id });
      expect(await store.put(JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(f).reverse()))))).toEqual({
        status: 'duplicate',
        id: f.id,
      });
      expect(await store.put({ ...f, id: f.id.toUpperCase() })).toEqual({ status: 'duplicate', id: f.id });
      expect((await store.put({ ...f, label: 'other' })).status).toBe('conflict');
      expect(JSON.parse((await store.getText(f.id)) as string)).toEqual(f);
      expect(JSON.parse((await store.getText(f.id.toUpperCase())) as string)).toEqual(f);
      expect(await store.getText('00000000-0000-4000-8000-000000000000')).toBeNull();
    });

    it('same id raced by 8 writers: one created, the rest duplicate, one stored copy', async () => {
      const f = makeResults({ label: 'c-race' });
      const outcomes = await Promise.all(Array.from({ length: 8 }, () => store.put(JSON.parse(JSON.stringify(f)))));
      expect(outcomes.filter((o) => o.status === 'created').length).toBe(1);
      expect(outcomes.filter((o) => o.status === 'duplicate').length).toBe(7);
      expect((await store.list({ label: 'c-race' })).total).toBe(1);
    });

    it('lists newest first with filters, time bounds and pages; counts', async () => {
      const before = await store.count();
      const made = Array.from({ length: 7 }, (_, i) =>
        makeResults({
          label: 'c-list',
          hostname: `h${i % 2}`,
          platform: i < 5 ? 'vm' : 'metal',
          hypervisor: i < 5 ? 'kvm' : null,
          startedAt: `2026-01-0${i + 1}T10:00:00+01:00`,
        }),
      );
      for (const f of made) await store.put(f);
      expect(await store.count()).toBe(before + 7);
      const all = await store.list({ label: 'c-list', limit: 100, offset: 0 });
      expect(all.total).toBe(7);
      expect(all.items.map((i) => i.id)).toEqual([...made].reverse().map((f) => f.id));
      expect(all.items[0]).toMatchObject({
        label: 'c-list',
        platform: 'metal',
        hypervisor: null,
        host: 'h0',
        startedAt: '2026-01-07T09:00:00.000Z',
        workloads: 1,
      });
      expect(typeof all.items[0]?.bytes).toBe('number');
      expect((await store.list({ label: 'c-list', platform: 'vm' })).total).toBe(5);
      expect((await store.list({ label: 'c-list', hypervisor: 'kvm', host: 'h1' })).total).toBe(2);
      const window = await store.list({ label: 'c-list', since: '2026-01-02T09:00:00.000Z', until: '2026-01-04T09:00:00.000Z' });
      expect(window.items.map((i) => i.id)).toEqual([made[3]!.id, made[2]!.id, made[1]!.id]);
      const page = await store.list({ label: 'c-list', limit: 3, offset: 3 });
      expect(page.items.map((i) => i.id)).toEqual([made[3]!.id, made[2]!.id, made[1]!.id]);
    });

    it('ids of a label: the newest N, oldest first; documents in the order asked, or the first missing id', async () => {
      const made = Array.from({ length: 5 }, (_, i) => makeResults({ label: 'c-hist', startedAt: `2026-02-0${i + 1}T00:00:00Z` }));
      for (const f of [...made].reverse()) await store.put(f);
      expect(await store.idsForLabel('c-hist', 3)).toEqual(made.slice(2).map((f) => f.id));
      expect(await store.idsForLabel('nobody', 3)).toEqual([]);
      const docs = await store.documents([made[4]!.id, made[0]!.id]);
      expect('missing' in docs).toBe(false);
      expect(await store.documents([made[0]!.id, '00000000-0000-4000-8000-000000000000'])).toEqual({
        missing: '00000000-0000-4000-8000-000000000000',
      });
      expect(await store.unready()).toBeNull();
    });
  });
}
