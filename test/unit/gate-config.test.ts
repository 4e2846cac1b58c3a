import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asGateConfig, loadGateConfig, policyOf } from '../../src/gate/config.js';
import { InputError } from '../../src/errors.js';

describe('gate config (schema/gate-config.v1.json)', () => {
  it('accepts numbers and "5%" strings and builds the policy', () => {
    const c = asGateConfig(
      { schema: 'virtax.gate-config/v1', maxRegression: '3%', perWorkload: { 'io.fsync': 15, 'net.*': '10%' }, ignore: ['noisy.*'] },
      'c.json',
    );
    expect(policyOf(c, undefined)).toEqual({
      defaultMaxRegressionPct: 3,
      perWorkload: { 'io.fsync': 15, 'net.*': 10 },
      ignore: ['noisy.*'],
    });
  });
  it('--max-regression overrides the config default; 5% when neither says', () => {
    const c = asGateConfig({ maxRegression: 3 }, 'c.json');
    expect(policyOf(c, 7).defaultMaxRegressionPct).toBe(7);
    expect(policyOf(null, undefined).defaultMaxRegressionPct).toBe(5);
  });
  it.each([
    [{ maxRegression: -1 }, '/maxRegression'],
    [{ maxRegression: 'five' }, '/maxRegression'],
    [{ thresholds: {} }, 'thresholds'],
    [{ perWorkload: { 'CPU INT': 3 } }, 'perWorkload'],
    [{ ignore: 'cpu.int' }, '/ignore'],
    [{ schema: 'virtax.gate-config/v2' }, '/schema'],
    [[1, 2], 'top level'],
  ])('rejects %j with one line naming the file and the place', (data, where) => {
    expect(() => asGateConfig(data, 'virtax.gate.json')).toThrow(InputError);
    try {
      asGateConfig(data, 'virtax.gate.json');
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg.startsWith('virtax.gate.json: invalid gate config:')).toBe(true);
      expect(msg).toContain(where);
      expect(msg).not.toContain('\n');
    }
  });
  it('a missing or non-JSON file is bad input', () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtax-gate-config-'));
    expect(() => loadGateConfig(join(dir, 'nope.json'))).toThrow(/no such file/);
    writeFileSync(join(dir, 'bad.json'), '{ "maxRegression": ');
    expect(() => loadGateConfig(join(dir, 'bad.json'))).toThrow(/not valid JSON/);
  });
});
