#!/bin/sh
# Print what a guest started from this host is nested in, the way the guest's fingerprint reads it from
# VIRTAX_OUTER_PLATFORM: comma-separated layers, outermost first, each `layer:name` (`vm:firecracker`,
# `vm:kvm,container:podman`). A guest cannot always see its outer layers (nothing inside User-Mode Linux
# shows the Firecracker VM beneath it); its launcher can. Computed from this host's own
# `virtax fingerprint --json`; prints nothing, and exits 0, when that fails.
#
# Usage: scripts/outer-platform.sh [VIRTAX...]   how to run virtax here (default: node bin/virtax.js next to this script)
here=$(cd "$(dirname "$0")" && pwd)
[ $# -gt 0 ] || set -- node "$here/../bin/virtax.js"
"$@" fingerprint --json 2>/dev/null | node -e '
  let s = "";
  process.stdin.on("data", (d) => (s += d)).on("end", () => {
    try {
      const f = JSON.parse(s);
      let layers;
      if (Array.isArray(f.nesting)) {
        layers = f.nesting.map((l) => `${l.layer}:${l.name}`);
      } else {
        // Files from before `nesting`: rebuild the layers from platform, hypervisor and container.
        const vm = `vm:${f.hypervisor ?? "unknown"}`;
        const ctr = `container:${f.container ?? "unknown"}`;
        layers = { metal: [], vm: [vm], container: [ctr], "container-in-vm": [vm, ctr] }[f.platform] ?? [];
      }
      process.stdout.write(layers.join(","));
    } catch {
      // no fingerprint, no layers: the guest says only what it can see
    }
  });
' 2>/dev/null || true
