/** Every reader validates results files: bad files are refused with one line naming the file. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { asResultsFile, loadResults, parseResults, saveResults } from '../../src/results/io.js';
import type { ResultsFile } from '../../src/types.js';

const dir = mkdtempSync(join(tmpdir(), 'virtax-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function validFile(): ResultsFile {
  return {
    schema: 'virtax.results/v1',
    id: '3b241101-e2bb-4255-8caf-4136c566a962',
    label: 'kvm-test',
    startedAt: '2026-11-25T10:00:00.000Z',
    finishedAt: '2026-11-25T10:01:00.000Z',
    tool: { name: 'virtax', version: '0.1.0', node: 'v20.20.2' },
    host: {
      hostname: 'h',
      platform: 'vm',
      hypervisor: 'kvm',
      container: null,
      evidence: ['/proc/cpuinfo: hypervisor flag'],
      cloud: null,
      cpu: {
        model: 'AMD EPYC',
        cores: 2,
        threads: 2,
        mhz: 2445.4,
        flags: { aes: true, sha: true, rdrand: true, avx2: true, avx512: false },
      },
      clocksource: 'tsc',
      kernel: '6.1.0',
      os: 'Debian GNU/Linux 12 (bookworm)',
      memoryBytes: 2 ** 33,
      numaNodes: 1,
    },
    config: { suite: 'quick', rounds: 2, seed: 42, onlyIds: ['cpu.int'] },
    conditions: { stealPct: 0.1, loadAvg1Start: 0.5, loadAvg1End: 0.6, notes: [] },
    workloads: [
      {
        id: 'cpu.int',
        category: 'cpu',
        title: 'Integer',
        unit: 'Mops/s',
        better: 'higher',
        status: 'ok',
        params: { innerLoop: 1000 },
        summary: { rounds: 2, median: 1.5, mean: 1.5, min: 1, max: 2, cv: 0.47, p50: 1.5, p99: 1, stealPct: 0.1 },
        rounds: [
          { figure: 1, operations: 10, seconds: 10, samples: [1, 1], stealPct: 0.1, batchOperations: 5 },
          { figure: 2, operations: 20, seconds: 10, samples: [2, 2], stealPct: 0.1, batchOperations: 10 },
        ],
      },
      { id: 'io.fsync', category: 'storage', title: 'fsync', status: 'skipped', reason: 'no writable directory' },
    ],
  };
}

/** The one-line error for `text` stored in a file called `name`. */
function errorFor(text: string, name = 'bad.json'): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  try {
    loadResults(path);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const msg = (e as Error).message;
    expect(msg).not.toContain('\n');
    expect(msg.startsWith(`${path}: `)).toBe(true);
    return msg;
  }
  throw new Error(`${name} was accepted`);
}

describe('results files', () => {
  it('a valid file round-trips through save and load unchanged', () => {
    const path = join(dir, 'ok.json');
    saveResults(path, validFile());
    expect(loadResults(path)).toEqual(validFile());
    expect(parseResults(readFileSync(path, 'utf8'), 'ok.json')).toEqual(validFile());
  });

  it('a partial file (finishedAt null, loadAvg1End null) is valid', () => {
    const f = { ...validFile(), finishedAt: null, conditions: { ...validFile().conditions, loadAvg1End: null } };
    expect(asResultsFile(f, 'partial.json').finishedAt).toBeNull();
  });

  it('refuses malformed JSON', () => {
    expect(errorFor('{ "schema": "virtax.results/v1", ', 'malformed.json')).toMatch(/not valid JSON/);
  });

  it('refuses a truncated file', () => {
    const text = JSON.stringify(validFile(), null, 1);
    expect(errorFor(text.slice(0, Math.floor(text.length / 2)), 'truncated.json')).toMatch(/not valid JSON \(truncated or corrupt\?\)/);
  });

  it('refuses an empty file and a JSON array', () => {
    expect(errorFor('', 'empty.json')).toMatch(/not valid JSON/);
    expect(errorFor('[]', 'array.json')).toMatch(/expected a JSON object/);
  });

  it('refuses a file of another schema', () => {
    expect(errorFor(JSON.stringify({ ...validFile(), schema: 'k6.summary/v1' }), 'other.json')).toMatch(
      /not a virtax results file \(schema is "k6\.summary\/v1", expected "virtax\.results\/v1"\)/,
    );
    expect(errorFor(JSON.stringify({ hello: 1 }), 'noschema.json')).toMatch(/schema is null/);
  });

  it('refuses a future version with a reason the user can act on', () => {
    expect(errorFor(JSON.stringify({ ...validFile(), schema: 'virtax.results/v2' }), 'future.json')).toMatch(
      /written by a newer virtax \(schema virtax\.results\/v2\); this virtax reads virtax\.results\/v1/,
    );
  });

  it('refuses missing fields, naming where', () => {
    const { host: _host, ...noHost } = validFile();
    expect(errorFor(JSON.stringify(noHost), 'nohost.json')).toMatch(/host/);
    const f = validFile() as unknown as { workloads: { rounds?: unknown }[] };
    delete f.workloads[0]!.rounds;
    expect(errorFor(JSON.stringify(f), 'norounds.json')).toMatch(/\/workloads\/0/);
  });

  it('refuses wrong types and values', () => {
    const f = validFile();
    expect(errorFor(JSON.stringify({ ...f, config: { ...f.config, suite: 'huge' } }), 'suite.json')).toMatch(
      /\/config\/suite .*quick, standard, full/,
    );
    expect(errorFor(JSON.stringify({ ...f, id: 'not-a-uuid' }), 'id.json')).toMatch(/\/id/);
    expect(errorFor(JSON.stringify({ ...f, host: { ...f.host, platform: 'mainframe' } }), 'platform.json')).toMatch(/\/host\/platform/);
  });

  it('a missing file is one line too', () => {
    expect(() => loadResults(join(dir, 'nope.json'))).toThrow(/nope\.json: cannot read \(no such file\)/);
  });
});
