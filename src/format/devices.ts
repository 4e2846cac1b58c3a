/** The words of a run's devices (src/types.ts HostDevices), the same in environment differences and host cards. */
import type { NetworkDevice, StorageDevice } from '../types.js';

/** "Virtio disk, HD, ext4, scheduler none" (what systeminformation and /sys said; nothing for what they did not). */
export function storageText(s: StorageDevice): string {
  return [s.model ?? s.device ?? 'no block device', s.type, s.filesystem].filter(Boolean).join(', ');
}

/** "eth0, virtio_net, 10000 Mbit/s"; "lo, loopback". */
export function networkText(n: NetworkDevice): string {
  return [n.iface ?? 'unknown interface', n.driver && n.driver !== n.iface ? n.driver : null, n.speedMbps ? `${n.speedMbps} Mbit/s` : null]
    .filter(Boolean)
    .join(', ');
}
