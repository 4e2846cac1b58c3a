#!/usr/bin/env bash
# The reference set of real platforms this project's host can run (docs/platforms.md): the host itself,
# a podman/runc container, the same container capped at half a CPU, gVisor as podman's OCI runtime, and a
# User-Mode Linux guest. Each runs the same suite; then one report and one advice page are drawn from them.
#
#   scripts/reference-runs.sh [--suite quick|standard] [--rounds N] [--prefix LABEL-PREFIX] [--dir results/reference] [--only-platforms LIST]
#
# User-Mode Linux starts every round's fresh Node process through hostfs and traps every syscall of its start-up:
# about 30 s per round here, so the UML run is limited to the workloads that tell its story (--uml-only, 3 rounds).
#
# Each run is given the CPU first (nice -n -20; containers the largest cgroup CPU weight, since a container's
# cgroup competes as one unit whatever its processes' nice) so other work on the host disturbs it less; every round's
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
platforms="host-vm podman-runc podman-runc-half-cpu podman-gvisor uml"
uml_only="cpu.int,mem.latency,mem.pagefault,sys.stat,sys.read,sys.clock,proc.spawn,net.tcp-rtt"
while [ $# -gt 0 ]; do
  case "$1" in
    --suite) suite=$2; shift 2 ;;
    --rounds) rounds="--rounds $2"; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --only-platforms) platforms=${2//,/ }; shift 2 ;;
    --uml-only) uml_only=$2; shift 2 ;;
    -h|--help) sed -n 2,11p "$0"; exit 0 ;;
    *) echo "reference-runs.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$dir"
run() { # LABEL EXTRA-RUN-ARGS LAUNCHER...
  local label=$1 extra=$2; shift 2
  case " $platforms " in *" $label "*) ;; *) return 0 ;; esac
  echo "== $label ($(date -u +%H:%M:%S))" >&2
  nice -n -20 "$@" run --suite "$suite" $rounds $extra --label "$prefix-$label" --out "$dir/$prefix-$label.json" --no-progress >&2 || true
}
run host-vm "" node bin/virtax.js
run podman-runc "" scripts/podman-agent.sh --cpu-shares 262144
run podman-runc-half-cpu "" scripts/podman-agent.sh --cpu-shares 262144 --cpus 0.5
run podman-gvisor "" scripts/podman-agent.sh --cpu-shares 262144 --runtime runsc
run uml "--only $uml_only --rounds 3" scripts/uml-agent.sh
ls -l "$dir"/*.json >&2
