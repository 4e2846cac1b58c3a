#!/usr/bin/env bash
# The reference set of real platforms this project's host can run (docs/platforms.md): the host itself, a
# podman/runc container, the same container capped at half a CPU, gVisor as podman's OCI runtime, gVisor by
# `runsc do`, and a User-Mode Linux guest; then the lifecycle figures (start, stop, memory per instance) of the
# five launchable platforms. One report and one advice page are drawn from them (scripts/reference-report.mjs).
#
#   scripts/reference-runs.sh [--passes 3] [--first-pass 1] [--prefix firecracker-epyc] [--dir results/reference]
#                             [--only-platforms LIST] [--once LIST] [--max-load 0.5] [--no-lifecycle]
#
# Recorded right (docs/platforms.md "How the reference set was recorded"):
# - three passes over all platforms (so a slow hour hits them all), one run per platform per pass:
#   DIR/PREFIX-PLATFORM-runI.json, label PREFIX-PLATFORM (the runs of a label are replicates to compare and report);
# - the same workloads everywhere: the quick suite, io.randread/randwrite at queue depth 1 and the syscall classes
#   advise --app prices (sys.open, readdir, fstat, poll, pipe-write); noisy.* on the host and the runc container;
#   UML with 3 rounds per run (every UML round starts Node in the guest); a workload that cannot run on a platform
#   is `skipped` in its file with the reason;
# - each run starts when the host's one-minute load average (read here, on the host: gVisor's own /proc/loadavg
#   reads 0) is below --max-load, waiting up to 15 minutes; a run with contended rounds is rerun, at most twice,
#   then kept and flagged; except on the --once platforms (default uml), whose contention is the guest's own: UML
#   has one CPU, shared by its kernel, the probe and the loopback peer its network rounds talk to, so its runs
#   were contended on sys.poll and net.* with this host idle, and a rerun cannot clear that: kept and flagged at once;
# - --first-pass N resumes a recording that stopped after pass N-1 (same --dir, the log appended);
# - DIR/recording.tsv logs every attempt: pass, platform, attempt, load at the start, contended rounds, kept.
# Each run is given the CPU first (nice -n -20; containers the largest cgroup CPU weight). Needs root, podman, runc,
# runsc and user-mode-linux (the launchers in scripts/ say what is missing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
cd "$repo"
passes=3
first_pass=1
once="uml"
prefix=firecracker-epyc
dir=results/reference
platforms="host-vm podman-runc podman-runc-half-cpu podman-gvisor gvisor uml"
max_load=0.5
lifecycle=1
while [ $# -gt 0 ]; do
  case "$1" in
    --passes) passes=$2; shift 2 ;;
    --first-pass) first_pass=$2; shift 2 ;;
    --once) once=${2//,/ }; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --only-platforms) platforms=${2//,/ }; shift 2 ;;
    --max-load) max_load=$2; shift 2 ;;
    --no-lifecycle) lifecycle=0; shift ;;
    -h|--help) sed -n "2,/^set -euo/{/^set -euo/d;p}" "$0"; exit 0 ;;
    *) echo "reference-runs.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$dir"
log="$dir/recording.tsv"
[ -f "$log" ] || printf 'pass\tplatform\tattempt\tload1_at_start\tcontended_rounds\tkept\tfinished_utc\n' > "$log"

quick=$(node bin/virtax.js list --json | node -e '
  const ws = JSON.parse(require("fs").readFileSync(0, "utf8"));
  process.stdout.write((Array.isArray(ws) ? ws : ws.workloads).filter((w) => w.quick).map((w) => w.id).join(" "));')
extra="io.randread-qd1 io.randwrite-qd1 sys.open sys.readdir sys.fstat sys.poll sys.pipe-write"
noisy="noisy.cpu noisy.mem-latency noisy.tcp-rtt"

load1() { cut -d' ' -f1 /proc/loadavg; }
wait_quiet() { # waits until the load average is below max_load (15 minutes at most)
  local waited=0
  while awk -v l="$(load1)" -v m="$max_load" 'BEGIN { exit !(l >= m) }'; do
    [ $waited -ge 900 ] && { echo "   load $(load1) still >= $max_load after 15 min: starting anyway" >&2; return 0; }
    sleep 15; waited=$((waited + 15))
  done
}
contended() { # contended rounds in a results file
  node -e '
    const f = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    let n = 0;
    for (const w of f.workloads) if (w.status === "ok") for (const r of w.rounds) if (r.conditions && r.conditions.contended) n++;
    process.stdout.write(String(n));' "$1"
}

run() { # PASS LABEL WORKLOADS EXTRA-RUN-ARGS LAUNCHER...
  local pass=$1 label=$2 ids=$3 extra_args=$4; shift 4
  case " $platforms " in *" $label "*) ;; *) return 0 ;; esac
  local out="$dir/$prefix-$label-run$pass.json" attempt n load last=3
  case " $once " in *" $label "*) last=1 ;; esac
  for attempt in $(seq 1 $last); do
    wait_quiet
    load=$(load1)
    echo "== pass $pass: $label (attempt $attempt, load $load, $(date -u +%H:%M:%S))" >&2
    rm -f "$out"
    # shellcheck disable=SC2086
    nice -n -20 "$@" run --suite quick --only $ids $extra_args --label "$prefix-$label" --out "$out" --no-progress >&2 || true
    [ -f "$out" ] || { printf '%s\t%s\t%s\t%s\t-\tfailed\t%s\n' "$pass" "$label" "$attempt" "$load" "$(date -u +%FT%TZ)" >> "$log"; continue; }
    n=$(contended "$out")
    if [ "$n" = 0 ] || [ "$attempt" = "$last" ]; then
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$pass" "$label" "$attempt" "$load" "$n" "$([ "$n" = 0 ] && echo yes || echo 'yes (flagged)')" "$(date -u +%FT%TZ)" >> "$log"
      return 0
    fi
    printf '%s\t%s\t%s\t%s\t%s\tno (rerun)\t%s\n' "$pass" "$label" "$attempt" "$load" "$n" "$(date -u +%FT%TZ)" >> "$log"
  done
}

for pass in $(seq "$first_pass" "$passes"); do
  run "$pass" host-vm "$quick $extra $noisy" "" node bin/virtax.js
  run "$pass" podman-runc "$quick $extra $noisy" "" scripts/podman-agent.sh --cpu-shares 262144
  run "$pass" podman-runc-half-cpu "$quick $extra" "" scripts/podman-agent.sh --cpu-shares 262144 --cpus 0.5
  run "$pass" podman-gvisor "$quick $extra" "" scripts/podman-agent.sh --cpu-shares 262144 --runtime runsc
  run "$pass" gvisor "$quick $extra" "" scripts/gvisor-agent.sh
  run "$pass" uml "$quick $extra" "--rounds 3" scripts/uml-agent.sh
done
if [ $lifecycle = 1 ]; then
  wait_quiet
  echo "== lifecycle (load $(load1), $(date -u +%H:%M:%S))" >&2
  printf 'lifecycle\tall\t1\t%s\t-\tyes\t-\n' "$(load1)" >> "$log"
  nice -n -20 node bin/virtax.js lifecycle --platform process podman podman-gvisor gvisor uml --rounds 5 --out results/lifecycle >&2 || true
fi
ls -l "$dir"/*.json >&2
