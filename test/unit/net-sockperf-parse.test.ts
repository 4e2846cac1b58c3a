/** The benchmark's sockperf parser, on output captured from Debian's sockperf 3.7 (ANSI colours kept). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSockperf } from '../../bench/net.bench.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

describe('parseSockperf', () => {
  it('reads a --full-rtt run: round trips in microseconds', () => {
    const r = parseSockperf(fixture('sockperf-pingpong-full-rtt.txt'));
    expect(r.fullRtt).toBe(true);
    expect(r.avgUs).toBe(19.885);
    expect(r.observations).toBe(27629);
    expect(r.p50Us).toBe(16.701);
    expect(r.minUs).toBe(15.729);
    expect(r.maxUs).toBe(4109.039);
    expect(r.percentiles['99.000']).toBe(35.025);
    expect(Object.keys(r.percentiles)).toHaveLength(8);
  });

  it('reads a default run and says it is half a round trip', () => {
    const r = parseSockperf(fixture('sockperf-pingpong-latency.txt'));
    expect(r.fullRtt).toBe(false);
    expect(r.avgUs).toBe(38.312);
    expect(r.p50Us).toBe(8.58);
    expect(r.observations).toBe(7200);
  });

  it('refuses output without statistics (server not running)', () => {
    expect(() => parseSockperf('sockperf: ERROR: Failed to connect (errno=111 Connection refused)\n')).toThrow(/no statistics block/);
    const noP50 = fixture('sockperf-pingpong-full-rtt.txt').replace(/.*percentile 50\.000.*\n/, '');
    expect(() => parseSockperf(noP50)).toThrow(/50th percentile/);
  });
});
