import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResultStore } from '../../src/collector/store.js';
import { makeResults } from '../helpers/collector-fixtures.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'virtax-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Write generated results straight into results/ (as if stored before the index existed). */
function seed(n: number): void {
  mkdirSync(join(dir, 'results'), { recursive: true });
  const platforms = ['metal', 'vm', 'container'] as const;
  for (let i = 0; i < n; i++) {
    const f = makeResults({
      label: `label-${i % 10}`,
      hostname: `host-${i % 100}`,
      platform: platforms[i % 3],
      hypervisor: i % 3 === 1 ? 'kvm' : null,
      startedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    });
    writeFileSync(join(dir, 'results', `${f.id}.json`), JSON.stringify(f));
  }
}

describe('result store index', () => {
  it('indexes 10,000 stored files on open and answers filtered, paginated listings', () => {
    seed(10_000);
    const s = new ResultStore(dir);
    const r = s.open();
    expect(r).toMatchObject({ rebuilt: true, why: 'missing', indexed: 10_000, recovered: 10_000 });
    expect(s.list({ label: 'label-3' }).total).toBe(1000);
    expect(s.list({ platform: 'vm', hypervisor: 'kvm' }).total).toBe(3333);
    expect(s.list({ host: 'host-42' }).total).toBe(100);
    // Minutes 100..199 after 2026-01-01 inclusive.
    const since = new Date(Date.UTC(2026, 0, 1) + 100 * 60_000).toISOString();
    const until = new Date(Date.UTC(2026, 0, 1) + 199 * 60_000).toISOString();
    expect(s.list({ since, until }).total).toBe(100);
    // Paging through a filter visits every row once, newest first.
    const seen: string[] = [];
    for (let offset = 0; ; offset += 300) {
      const page = s.list({ label: 'label-7', limit: 300, offset });
      seen.push(...page.items.map((i) => i.startedAt));
      if (page.items.length < 300) break;
    }
    expect(seen.length).toBe(1000);
    expect(new Set(seen).size).toBe(1000);
    expect([...seen].sort().reverse()).toEqual(seen);
    s.close();
  });

  it('rebuilds a corrupt index from the files', () => {
    seed(30);
    const s1 = new ResultStore(dir);
    s1.open();
    s1.close();
    writeFileSync(join(dir, 'index.sqlite'), 'this is not a database at all'.repeat(200));
    rmSync(join(dir, 'index.sqlite-wal'), { force: true });
    const s2 = new ResultStore(dir);
    const r = s2.open();
    expect(r.rebuilt).toBe(true);
    expect(r.why).toMatch(/^corrupt/);
    expect(s2.count()).toBe(30);
    expect(readdirSync(dir).some((n) => n.startsWith('index.sqlite.corrupt-'))).toBe(true);
    s2.close();
  });

  it('picks up files written after the index, drops rows whose file is gone, removes temp files, quarantines invalid files', () => {
    seed(5);
    const s1 = new ResultStore(dir);
    s1.open();
    const gone = s1.list({}).items[0]!.id;
    s1.close();
    const late = makeResults();
    writeFileSync(join(dir, 'results', `${late.id}.json`), JSON.stringify(late));
    rmSync(join(dir, 'results', `${gone}.json`));
    writeFileSync(join(dir, 'results', `.${late.id}.json.abc123.tmp`), '{"half":');
    const bad = makeResults();
    writeFileSync(join(dir, 'results', `${bad.id}.json`), '{"schema": "virtax.results/v1"');
    const s2 = new ResultStore(dir);
    const r = s2.open();
    expect(r).toMatchObject({ rebuilt: false, recovered: 1, quarantined: 1, tempRemoved: 1, indexed: 5 });
    expect(s2.get(late.id)).toEqual(late);
    expect(s2.get(gone)).toBeNull();
    expect(existsSync(join(dir, 'rejected', `${bad.id}.json`))).toBe(true);
    expect(readdirSync(join(dir, 'results')).filter((n) => n.startsWith('.'))).toEqual([]);
    s2.close();
  });

  it('refuses ids that are not UUIDs before touching the file system', () => {
    const s = new ResultStore(dir);
    s.open();
    for (const id of ['../../etc', '..', 'a/b', '00000000-0000-0000-0000-000000000000/../x']) expect(() => s.pathOf(id)).toThrow(/UUID/);
    s.close();
  });
});

describe('result store idempotency across formats', () => {
  it('a pretty-printed file found on disk and the same result uploaded again is a duplicate, not a conflict', async () => {
    const f = makeResults();
    mkdirSync(join(dir, 'results'), { recursive: true });
    writeFileSync(join(dir, 'results', `${f.id}.json`), JSON.stringify(f, null, 2));
    const s = new ResultStore(dir);
    s.open();
    expect(await s.put(f)).toEqual({ status: 'duplicate', id: f.id });
    expect(await s.put({ ...f, label: 'other' })).toMatchObject({ status: 'conflict' });
    s.close();
  });
});
