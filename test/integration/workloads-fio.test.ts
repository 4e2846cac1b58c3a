/**
 * fio random direct I/O: the JSON parser on captured fio 3.33 output, the skip reasons, and (where fio is
 * installed and the directory is disk-backed) one real round of each depth.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { measure } from '../../src/probes/engine/round-child.js';
import { fioVersion, fioWorkloads, parseFioJson } from '../../src/workloads/fio.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'fio', name), 'utf8');

describe('parseFioJson (captured output)', () => {
  it('random reads at depth 1', () => {
    const r = parseFioJson(fixture('randread-qd1.json'), 'read');
    expect(r).toMatchObject({ ios: 575, seconds: 0.208, error: 0 });
    expect(r.iops).toBeCloseTo(2764.423077, 5);
    expect(r.clatMeanNs).toBeCloseTo(332651.013913, 5);
  });
  it('random writes at depth 32, with a p99', () => {
    const r = parseFioJson(fixture('randwrite-qd32.json'), 'write');
    expect(r).toMatchObject({ ios: 10471, seconds: 0.201, clatP99Ns: 3293184 });
  });
  it('warnings before the JSON are skipped; garbage is a one-line error', () => {
    expect(parseFioJson(`fio: warning: something\n${fixture('randread-qd1.json')}`, 'read').ios).toBe(575);
    expect(() => parseFioJson('fio: command not found', 'read')).toThrow(/no JSON/);
    expect(() => parseFioJson('{"jobs": []}', 'read')).toThrow(/no jobs/);
  });
});

describe('fio workloads', () => {
  it('registered ids and directions', () => {
    expect(fioWorkloads.map((w) => `${w.id} ${w.unit} ${w.better}`)).toEqual([
      'io.randread-qd1 us/io lower',
      'io.randwrite-qd1 us/io lower',
      'io.randread-qd32 kIO/s higher',
      'io.randwrite-qd32 kIO/s higher',
    ]);
  });

  it('skips with the reason when fio is missing or the directory is tmpfs', async () => {
    const w = fioWorkloads[0]!;
    const base = {
      dir: '/data',
      filesystem: 'ext4',
      blockDevice: 'vda',
      writeCache: 'write back',
      dirChosen: false,
      rw: 'randread',
      blockBytes: 4096,
      queueDepth: 1,
      fileBytes: 1,
      batchMs: 100,
      engine: 'libaio',
    };
    expect(await w.available!({ ...base, fio: null }, { suite: 'quick', peer: null, scratchDir: '/tmp', ioDir: '/data' })).toMatch(
      /fio is not installed/,
    );
    expect(
      await w.available!(
        { ...base, filesystem: 'tmpfs', fio: 'fio-3.33' },
        { suite: 'quick', peer: null, scratchDir: '/tmp', ioDir: '/data' },
      ),
    ).toMatch(/tmpfs/);
  });

  it.skipIf(fioVersion() === null)(
    'one real round at depth 1 and 32 records figures, device and kernel time',
    async () => {
      const ioDir = join(import.meta.dirname, '../..');
      for (const id of ['io.randread-qd1', 'io.randwrite-qd32']) {
        const r = await measure({
          workloadId: id,
          suite: 'quick',
          ctx: { suite: 'quick', peer: null, scratchDir: '/tmp', ioDir },
          plan: { targetBatchSeconds: 0.005, roundSeconds: 0.1, minBatches: 2, maxBatches: 3 },
        });
        if (r.status === 'skipped') continue; // e.g. a filesystem without O_DIRECT
        expect(r.status, JSON.stringify(r)).toBe('ok');
        if (r.status !== 'ok') return;
        expect(r.outcome.round.figure).toBeGreaterThan(0);
        expect(r.outcome.round.samples.length).toBeGreaterThanOrEqual(2);
        expect(r.params.fio).toMatch(/^fio-/);
        expect(r.outcome.round.kernelSecondsPerOp).toBeGreaterThanOrEqual(0);
      }
    },
    60_000,
  );
});

describe('the devices a run used (systeminformation and /sys, this host)', () => {
  it('names the filesystem under the storage directory and the loopback interface; what it cannot read is null', async () => {
    const { hostDevices } = await import('../../src/probes/host/devices.js');
    const d = await hostDevices(process.cwd(), { host: '127.0.0.1', kind: 'loopback' });
    expect(d?.storage?.dir).toBe(process.cwd());
    expect(typeof d?.storage?.filesystem).toBe('string');
    // A block device, when there is one, comes with what /sys says of it.
    if (d?.storage?.device) expect(d.storage.device).toMatch(/^\/dev\//);
    expect(d?.network).toMatchObject({ iface: 'lo', driver: 'loopback' });
    expect(await hostDevices(null, null)).toBeNull();
  });
});

describe('a directory that refuses direct I/O', () => {
  it('skips the fio workloads with the reason instead of failing every round (UML hostfs)', async () => {
    const { directIoReason } = await import('../../src/workloads/fio.js');
    const einval = () => {
      throw Object.assign(new Error('EINVAL: invalid argument'), { code: 'EINVAL' });
    };
    expect(directIoReason('/mnt/host', 'hostfs', einval)).toMatch(/^\/mnt\/host \(hostfs\) does not support direct I\/O \(O_DIRECT\)/);
    // another error (permissions, a full disk) is fio's to report
    const eacces = () => {
      throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    };
    expect(directIoReason('/mnt/host', 'hostfs', eacces)).toBeNull();
    // the real probe on this checkout's directory: null on a block device (ext4 on a virtio disk here), else the reason
    const here = directIoReason(process.cwd(), null);
    expect(here === null || /does not support direct I\/O/.test(here)).toBe(true);
  });
});
