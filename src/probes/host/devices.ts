/**
 * The devices a run's storage and network workloads used, from the systeminformation package where it knows them:
 * the filesystem under the storage directory (`fsSize`), its block device's model and type (`blockDevices`,
 * `diskLayout`), and the network interface to the peer (`networkInterfaces`: speed, MTU, virtual or not). What it
 * does not read comes from /sys: the disk's I/O scheduler and rotational flag, the interface's driver. Inside a
 * sandbox or a paravirtual guest much of it is hidden (gVisor's gofer, UML's hostfs): those fields are null, never
 * guessed. The virtualization evidence stays the fingerprint's own (fingerprint.ts): it must replay from recorded
 * /proc and /sys trees, which systeminformation cannot read.
 */
import { readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import si from 'systeminformation';
import type { HostDevices, NetworkDevice, StorageDevice } from '../../types.js';

/** The selected entry of /sys/block/<disk>/queue/scheduler ("none [mq-deadline] kyber" -> mq-deadline). */
export function selectedScheduler(text: string): string | null {
  const m = /\[([^\]]+)\]/.exec(text);
  return m ? (m[1] as string) : text.trim() || null;
}

/** The mount that holds `dir`: the longest mount point that is `dir` or a folder above it. */
export function mountOf<M extends { mount: string }>(dir: string, mounts: readonly M[]): M | null {
  const holds = (m: M) => dir === m.mount || dir.startsWith(m.mount.endsWith('/') ? m.mount : `${m.mount}/`);
  return [...mounts].filter(holds).sort((a, b) => b.mount.length - a.mount.length)[0] ?? null;
}

const read = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
};

/** A partition's disk (vda1 -> vda, nvme0n1p2 -> nvme0n1); the device itself when it is a disk. */
function diskOf(dev: string): string {
  try {
    return read(`/sys/class/block/${dev}/partition`) !== null ? basename(dirname(realpathSync(`/sys/class/block/${dev}`))) : dev;
  } catch {
    return dev;
  }
}

async function storageOf(dir: string): Promise<StorageDevice> {
  const none: StorageDevice = { dir, filesystem: null, device: null, model: null, type: null, scheduler: null, rotational: null };
  const mount = mountOf(dir, await si.fsSize().catch(() => []));
  if (!mount) return none;
  const out: StorageDevice = { ...none, filesystem: mount.type || null };
  if (!mount.fs.startsWith('/dev/')) return out; // overlay, tmpfs, 9p, hostfs: no block device of its own
  const dev = basename(mount.fs);
  const disk = diskOf(dev);
  const blocks = await si.blockDevices().catch(() => []);
  const layout = (await si.diskLayout().catch(() => [])).find((d) => d.device === `/dev/${disk}`);
  const block = blocks.find((b) => b.name === disk) ?? blocks.find((b) => b.name === dev);
  const rotational = read(`/sys/block/${disk}/queue/rotational`);
  const scheduler = read(`/sys/block/${disk}/queue/scheduler`);
  return {
    ...out,
    device: `/dev/${disk}`,
    model: (layout?.name || block?.model || '').trim() || null,
    type: (layout?.type || block?.physical || '').trim() || null,
    scheduler: scheduler === null ? null : selectedScheduler(scheduler),
    rotational: rotational === null ? null : rotational === '1',
  };
}

async function networkOf(peer: { host: string; kind: 'loopback' | 'remote' }): Promise<NetworkDevice> {
  const loopback = peer.kind === 'loopback' || /^(127\.|::1$|localhost$)/.test(peer.host);
  const iface = loopback ? 'lo' : await si.networkInterfaceDefault().catch(() => '');
  if (!iface) return { iface: null, driver: null, speedMbps: null, virtual: null, mtu: null };
  const list = await si.networkInterfaces().catch(() => []);
  const i = (Array.isArray(list) ? list : [list]).find((x) => x.iface === iface);
  let driver: string | null = loopback ? 'loopback' : null;
  try {
    driver = basename(readlinkSync(`/sys/class/net/${iface}/device/driver`));
  } catch {
    // no device behind it (lo, veth, a bridge) or no /sys: the kind of interface says enough
  }
  return {
    iface,
    driver,
    speedMbps: typeof i?.speed === 'number' && i.speed > 0 ? i.speed : null,
    virtual: typeof i?.virtual === 'boolean' ? i.virtual : null,
    mtu: typeof i?.mtu === 'number' ? i.mtu : null,
  };
}

/**
 * The devices under the storage directory and towards the peer; either is null where no workload of the run uses
 * it. Never throws: what cannot be read is null.
 */
export async function hostDevices(
  storageDir: string | null,
  peer: { host: string; kind: 'loopback' | 'remote' } | null,
): Promise<HostDevices | null> {
  if (!storageDir && !peer) return null;
  const [storage, network] = await Promise.all([
    storageDir ? storageOf(storageDir).catch(() => null) : null,
    peer ? networkOf(peer).catch(() => null) : null,
  ]);
  return { storage, network };
}
