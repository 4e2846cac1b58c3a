#!/usr/bin/env bash
# Run virtax (by default `virtax agent`, a duel side) inside a gVisor sandbox: `runsc do` with the ptrace
# platform and no network device (loopback works inside: gVisor's own network stack). The sandbox sees this
# host's root filesystem and writes through to it (-force-overlay=false), so `virtax run --out F` leaves F here.
#
#   virtax duel --a 'virtax agent' --b 'scripts/gvisor-agent.sh' --label-b gvisor --only cpu.int sys.stat
#   scripts/gvisor-agent.sh run --suite quick --out results/gvisor.json     # `virtax run` in the sandbox
#   scripts/gvisor-agent.sh fingerprint --json                              # what the sandbox says it is
#   scripts/gvisor-agent.sh -- sh -c 'cat /proc/version'                    # any command
#
# Usage: scripts/gvisor-agent.sh [options] [VIRTAX-COMMAND [ARGS...] | -- COMMAND [ARGS...]]
#   VIRTAX-COMMAND   a virtax subcommand run as `node bin/virtax.js ...` from this checkout (default: agent)
#   -- COMMAND       any command instead (run from the current directory)
# Options:
#   --platform P     gVisor platform: ptrace (default; works without KVM), systrap, kvm (hangs inside a VM
#                    without nested KVM)
#   --outer LAYERS   VIRTAX_OUTER_PLATFORM for the sandbox (default: computed by scripts/outer-platform.sh
#                    from this host's fingerprint; '' passes nothing)
# Needs root and runsc (Debian package runsc). Exit status: the command's; 2 for bad usage or a missing
# prerequisite (reason on stderr).
#
# With the ptrace platform every system call of the sandboxed process is stopped by ptrace and served by
# gVisor's own kernel (the Sentry): system calls cost many times the host's, while clock reads stay in the
# vDSO. Under KVM system calls do not trap at all: a gVisor figure is not a KVM figure.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
platform=ptrace
outer=unset
raw=0
while [ $# -gt 0 ]; do
  case "$1" in
    --platform) platform="${2:?--platform needs ptrace, systrap or kvm}"; shift 2 ;;
    --outer) outer="${2?--outer needs layers such as vm:kvm}"; shift 2 ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    --) raw=1; shift; break ;;
    -*) echo "gvisor-agent: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ "$raw" = 1 ]; then
  [ $# -gt 0 ] || { echo "gvisor-agent: name the command after --" >&2; exit 2; }
else
  [ $# -gt 0 ] || set -- agent
  set -- node "$repo/bin/virtax.js" "$@"
fi

runsc=$(command -v runsc 2>/dev/null) || { echo "gvisor-agent: runsc (gVisor) not found; install the Debian package runsc" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "gvisor-agent: runsc do needs root" >&2; exit 2; }
[ "$raw" = 1 ] || [ -f "$repo/dist/cli/main.js" ] || { echo "gvisor-agent: $repo/dist is not built; run npm run build" >&2; exit 2; }
[ "$outer" != unset ] || outer=$("$here/outer-platform.sh" 2>/dev/null || true)
if [ -n "$outer" ]; then export VIRTAX_OUTER_PLATFORM="$outer"; else unset VIRTAX_OUTER_PLATFORM; fi
export VIRTAX_SANDBOX_PLATFORM="$platform" # the sandbox cannot see its own platform: the probe records it from here

run() {
  "$runsc" --network=none --platform="$platform" --ignore-cgroups do -force-overlay=false -quiet -cwd "$PWD" "$@"
}
# runsc writes a regular file given as stdout or stderr from offset 0, over what it held: pass such files
# a pipe instead (a terminal or a pipe, as in a duel, goes straight through).
if [ -f /dev/stdout ] || [ -f /dev/stderr ]; then
  set +e
  { run "$@" 2>&1 1>&3 3>&- | cat >&2; exit "${PIPESTATUS[0]}"; } 3>&1 | cat
  exit "${PIPESTATUS[0]}"
fi
exec "$runsc" --network=none --platform="$platform" --ignore-cgroups do -force-overlay=false -quiet -cwd "$PWD" "$@"
