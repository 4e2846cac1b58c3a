#!/bin/sh
# A launcher for `virtax lifecycle --launcher NAME=SCRIPT`: the contract with the simplest platform there is, a
# plain process in its own session. Copy it and replace the three marked lines to measure your own platform (a
# QEMU/KVM guest, Firecracker, Docker, a cloud VM); docs/lifecycle.md shows a Docker version.
#
#   virtax lifecycle --launcher plain=examples/lifecycle/process-launcher.sh --platform process
#
# The contract (src/probes/lifecycle/script.ts):
#   SCRIPT check                 exit 0 when instances can start here; may print one JSON object of parameters
#                                that dominate the figures (recorded in the results file); else exit non-zero
#                                with the reason as the last line of output (the platform is then skipped)
#   SCRIPT start ID ready|node   start instance ID detached, running `sh -c "$VIRTAX_LIFECYCLE_PROGRAM; exec sleep
#                                infinity"` inside; the program writes the byte 0x06 to its stdout, which must reach
#                                this script's stdout (virtax times the start until that byte arrives)
#   SCRIPT pids ID               print the host PIDs of every process of instance ID
#   SCRIPT stop ID               ask instance ID to stop (virtax waits until those PIDs are gone)
set -eu
state="${TMPDIR:-/tmp}/virtax-lifecycle-example"
mkdir -p "$state"

case "${1:-}" in
  check)
    command -v setsid >/dev/null 2>&1 || { echo "setsid not found (util-linux)"; exit 1; }
    echo '{"runs": "setsid sh -c PROGRAM"}'                               # <- your platform's parameters
    ;;
  start)
    id="$2"
    # <- your platform's start: it must carry the program's stdout back to ours (a pipe, a console, ssh ...)
    setsid sh -c "$VIRTAX_LIFECYCLE_PROGRAM; exec sleep infinity" </dev/null 2>/dev/null &
    echo $! > "$state/$id.pid"
    ;;
  pids)
    # <- your platform's host processes (a VMM, its helpers; here the session's processes)
    sid=$(cat "$state/$2.pid")
    ps -e -o pid= -o sid= | awk -v s="$sid" '$2 == s { print $1 }'
    ;;
  stop)
    sid=$(cat "$state/$2.pid")
    kill -TERM "-$sid" 2>/dev/null || true
    rm -f "$state/$2.pid"
    ;;
  *)
    echo "usage: $0 check | start ID ready|node | pids ID | stop ID" >&2
    exit 2
    ;;
esac
