#!/usr/bin/env bash
# The reference set of real platforms this project's host can run (docs/platforms.md): the host itself,
# a podman/runc container, the same container capped at half a CPU, gVisor as podman's OCI runtime, and a
# User-Mode Linux guest. Each runs the same suite; then one report and one advice page are drawn from them.
#
#   scripts/reference-runs.sh [--suite quick|standard] [--rounds N] [--prefix LABEL-PREFIX] [--dir results/reference]
#
# Each run is given the CPU first (nice -n -20) so other work on the host disturbs it less; every round's
# conditions (run-queue delay, contention) are still recorded in the files. Needs root, podman, runc, runsc
# and user-mode-linux (the launchers in scripts/ say what is missing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
cd "$repo"
suite=quick
rounds=""
prefix=firecracker-epyc
dir=results/reference
while [ $# -gt 0 ]; do
  case "$1" in
    --suite) suite=$2; shift 2 ;;
    --rounds) rounds="--rounds $2"; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    -h|--help) sed -n 2,11p "$0"; exit 0 ;;
    *) echo "reference-runs.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$dir"
run() { # LABEL LAUNCHER...
  local label=$1; shift
  echo "== $label ($(date -u +%H:%M:%S))" >&2
  nice -n -20 "$@" run --suite "$suite" $rounds --label "$prefix-$label" --out "$dir/$prefix-$label.json" --no-progress >&2 || true
}
run host-vm node bin/virtax.js
run podman-runc scripts/podman-agent.sh
run podman-runc-half-cpu scripts/podman-agent.sh --cpus 0.5
run podman-gvisor scripts/podman-agent.sh --runtime runsc
run uml scripts/uml-agent.sh
ls -l "$dir"/*.json >&2
