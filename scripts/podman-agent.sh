#!/usr/bin/env bash
# Run virtax (by default `virtax agent`, a duel side) in a real OCI container started by podman, with no image
# and no registry: the container's root is this host's root under an overlay (`--rootfs /:O`), so the same
# node and the same checkout run inside; the overlay's writes vanish at exit, so results go to bind mounts.
# runc is the default OCI runtime; `--runtime runsc` runs the container in gVisor instead, the way GKE Sandbox
# deploys it.
#
#   virtax duel --a 'virtax agent' --b 'scripts/podman-agent.sh' --label-b podman --only cpu.int sys.stat
#   virtax duel --a 'virtax agent' --b 'scripts/podman-agent.sh --cpus 0.5' --label-b 'podman-0.5cpu'
#   virtax duel --a 'virtax agent' --b 'scripts/podman-agent.sh --runtime runsc' --label-b podman-gvisor
#   scripts/podman-agent.sh run --suite quick --out results/podman.json     # `virtax run` in the container
#   scripts/podman-agent.sh fingerprint --json                              # what the container says it is
#   scripts/podman-agent.sh -- sh -c 'cat /proc/self/cgroup'                # any command
#
# Usage: scripts/podman-agent.sh [options] [VIRTAX-COMMAND [ARGS...] | -- COMMAND [ARGS...]]
#   VIRTAX-COMMAND   a virtax subcommand run as `node bin/virtax.js ...` from this checkout (default: agent).
#                    For `run`, the directory of `--out F` (default: ./results) is bind-mounted at the same
#                    path, so the results file lands on this host.
#   -- COMMAND       any command instead (run in the current directory)
# Options:
#   --runtime R      runc (default) or runsc (gVisor, ptrace platform, no network device)
#   --cpus N         CPU limit in CPUs (CFS quota), e.g. 0.5
#   --cpu-shares N   the container's CPU weight against other work on the host (cgroup cpu.shares; 1024 is one
#                    ordinary process, 262144 the most): a reference run on a busy host gives it the CPU first
#   --memory M       memory limit, e.g. 1g
#   --bind DIR       bind-mount DIR at the same path inside (repeatable; writes there stay)
#   --outer LAYERS   VIRTAX_OUTER_PLATFORM for the container (default: computed by scripts/outer-platform.sh
#                    from this host's fingerprint; '' passes nothing)
# Needs root, podman and runc (crun refuses hosts with hybrid cgroups; cgroupfs as cgroup manager needs no
# systemd). The container has no network device (`--network=none`); loopback works inside.
# Exit status: the command's; 2 for bad usage or a missing prerequisite (reason on stderr).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
runtime=runc
limits=()
binds=()
outer=unset
raw=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runtime) runtime="${2:?--runtime needs runc or runsc}"; shift 2 ;;
    --cpus) limits+=(--cpus "${2:?--cpus needs a number of CPUs}"); shift 2 ;;
    --memory) limits+=(--memory "${2:?--memory needs a size}"); shift 2 ;;
    --cpu-shares) limits+=(--cpu-shares "${2:?--cpu-shares needs a weight}"); shift 2 ;;
    --bind) binds+=("${2:?--bind needs a directory}"); shift 2 ;;
    --outer) outer="${2?--outer needs layers such as vm:kvm}"; shift 2 ;;
    -h|--help) sed -n '2,31p' "$0"; exit 0 ;;
    --) raw=1; shift; break ;;
    -*) echo "podman-agent: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ "$raw" = 1 ]; then
  [ $# -gt 0 ] || { echo "podman-agent: name the command after --" >&2; exit 2; }
else
  [ $# -gt 0 ] || set -- agent
  if [ "$1" = run ]; then
    # Where `virtax run` writes its results file must outlive the overlay.
    out=""
    prev=""
    for a in "$@"; do
      case "$a" in --out=*) out="${a#--out=}" ;; esac
      [ "$prev" != --out ] || out="$a"
      prev="$a"
    done
    dir=$(dirname "${out:-results/x}")
    mkdir -p "$dir"
    binds+=("$(cd "$dir" && pwd)")
  fi
  set -- node "$repo/bin/virtax.js" "$@"
fi

[ "$(id -u)" = 0 ] || { echo "podman-agent: needs root (rootful podman with --rootfs)" >&2; exit 2; }
command -v podman >/dev/null 2>&1 || { echo "podman-agent: podman not found; install the Debian package podman" >&2; exit 2; }
case "$runtime" in
  runc)
    rt=$(command -v runc 2>/dev/null) || { echo "podman-agent: runc not found; install the Debian package runc" >&2; exit 2; }
    global=(--runtime "$rt")
    ;;
  runsc|gvisor)
    rt=$(command -v runsc 2>/dev/null) || { echo "podman-agent: runsc (gVisor) not found; install the Debian package runsc" >&2; exit 2; }
    global=(--runtime "$rt" --runtime-flag platform=ptrace --runtime-flag network=none)
    sandbox_platform=ptrace # told to the probe (VIRTAX_SANDBOX_PLATFORM): the sandbox cannot see it
    ;;
  *) echo "podman-agent: --runtime must be runc or runsc, not $runtime" >&2; exit 2 ;;
esac
[ "$raw" = 1 ] || [ -f "$repo/dist/cli/main.js" ] || { echo "podman-agent: $repo/dist is not built; run npm run build" >&2; exit 2; }
[ "$outer" != unset ] || outer=$("$here/outer-platform.sh" 2>/dev/null || true)

args=(run --rm -i --network=none --ulimit nofile=20000:20000 --ulimit nproc=4096:4096 "${limits[@]}"
  -e "PATH=$PATH" -e "HOME=${HOME:-/root}" -e LANG=C.UTF-8)
[ -z "$outer" ] || args+=(-e "VIRTAX_OUTER_PLATFORM=$outer")
[ -z "${sandbox_platform:-}" ] || args+=(-e "VIRTAX_SANDBOX_PLATFORM=$sandbox_platform")
# Nested below the cpu cgroup this script runs in (as scripts/container-agent.sh does), not podman's own
# /libpod_parent: a duel side then gets the same CPU share as the other side, started beside it.
here_cg=$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ { print $3 }' /proc/self/cgroup 2>/dev/null || true)
[ -z "$here_cg" ] || [ "$here_cg" = / ] || args+=(--cgroup-parent "$here_cg")
for b in "${binds[@]}"; do
  [ -d "$b" ] || { echo "podman-agent: --bind $b: not a directory" >&2; exit 2; }
  b=$(cd "$b" && pwd)
  args+=(-v "$b:$b")
done
if [ -z "$here_cg" ] || [ "$here_cg" = / ]; then
  exec podman "${global[@]}" --cgroup-manager=cgroupfs "${args[@]}" -w "$PWD" --rootfs /:O "$@"
fi
# With a cgroup parent, podman makes it in every controller and leaves conmon's cgroups behind: remove
# what is empty once the container is gone (rmdir never removes a cgroup that still holds anything).
tidy() {
  for c in /sys/fs/cgroup/*/; do
    rmdir "$c${here_cg#/}/conmon" 2>/dev/null || true
    case "$(awk -F: -v c="$(basename "$c")" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c || $2 == "name=" c) print $3 }' /proc/self/cgroup)" in
      "$here_cg") ;; # we live there: not ours to remove
      *) rmdir "$c${here_cg#/}" 2>/dev/null || true ;;
    esac
  done
}
trap tidy EXIT
status=0
podman "${global[@]}" --cgroup-manager=cgroupfs "${args[@]}" -w "$PWD" --rootfs /:O "$@" || status=$?
exit "$status"
