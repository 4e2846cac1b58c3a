#!/usr/bin/env bash
# Check `virtax record` + `advise --app` against reality (docs/advise.md, "Validated on real programs"): record each
# program of examples/validation/ on this host (with --syscalls), measure the pricing workloads on this host and on
# each platform, predict each program's slowdown there, then time each program there (median of 3, from inside the
# platform) in the same window, and print the table.
#
#   scripts/validate-advise.sh                          # every program on host, gvisor, uml, podman --cpus 0.5
#   PLATFORMS="gvisor uml" PROGRAMS="walk cpu" scripts/validate-advise.sh
#   OUT=results/validation/x ROUNDS=5 scripts/validate-advise.sh
#
# Environment: PLATFORMS (default: gvisor uml podman-0.5cpu), PROGRAMS (default: walk gzip sqlite http tsc cpu),
# ROUNDS (pricing rounds per workload, default 5), OUT (default results/validation/<UTC date-time>), TIME_ONLY=1
# (keep OUT's recordings and pricing runs, time again), RECORD_ONLY=1 (keep OUT's pricing runs and timings, record
# again and predict).
# Each program runs once, unrecorded, then is recorded 3 times (app-PROGRAM-rN.json); the recording with the median
# own time is the one priced (app-PROGRAM.json), as the timings are the median of 3 warm runs: a recording's rates
# are per second of its own time, and one recording of a first, cold run (file-system caches) read the walk at 3.2x
# its warm time, another at load 1.2 read the cpu program at 1.4x.
# The host is timed again beside every platform (time-host-PLATFORM-PROGRAM.json, just before the platform's own
# timing): on a shared machine the load moves within minutes, and a ratio of two timings minutes apart measures it.
# Needs root, runsc, User-Mode Linux, podman+runc and strace (scripts/*-agent.sh say what is missing), and a
# built dist/ (npm run build). Everything it measured stays in OUT: the results files, the recordings, the
# predictions (pred-PROGRAM.json), the timings (time-PLATFORM-PROGRAM.json), load averages and the table.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
cd "$repo"
[ -f dist/cli/main.js ] || { echo "validate-advise: dist is not built; run npm run build" >&2; exit 2; }
platforms=${PLATFORMS:-gvisor uml podman-0.5cpu}
programs=${PROGRAMS:-walk gzip sqlite http tsc cpu}
rounds=${ROUNDS:-5}
out=${OUT:-results/validation/$(date -u +%Y%m%d-%H%M)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
virtax() { node "$repo/bin/virtax.js" "$@"; }
workloads=$(node -e "import('$repo/dist/advise/app.js').then((m) => console.log(m.APP_WORKLOADS.join(',')))")
launcher() {
  case "$1" in
    host) echo "" ;;
    gvisor) echo "$here/gvisor-agent.sh" ;;
    uml) echo "$here/uml-agent.sh" ;;
    podman-0.5cpu) echo "$here/podman-agent.sh --cpus 0.5 --bind $out" ;;
    *) echo "validate-advise: unknown platform $1 (host, gvisor, uml, podman-0.5cpu)" >&2; exit 2 ;;
  esac
}
log() { printf '%s  %s  load %s\n' "$(date -u +%H:%M:%S)" "$*" "$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/log.txt" >&2; }
# One platform's pricing run, then each program timed on the host and on the platform, back to back.
measure() {
  local p=$1 l
  l=$(launcher "$p")
  [ "${TIME_ONLY:-0}" = 1 ] || price "$p" "$l"
  [ "$p" != host ] || return 0
  for prog in $programs; do
    log "$p: timing $prog (host, then $p)"
    node "$repo/examples/apps/time-app.mjs" node "$repo/examples/validation/$prog.mjs" > "$out/time-host-$p-$prog.json" 2> "$out/time-host-$p-$prog.err" || rm -f "$out/time-host-$p-$prog.json"
    # shellcheck disable=SC2086
    if ! $l -- node "$repo/examples/apps/time-app.mjs" node "$repo/examples/validation/$prog.mjs" > "$out/time-$p-$prog.json" 2> "$out/time-$p-$prog.err"; then
      log "$p: $prog failed (see $out/time-$p-$prog.err)"
      rm -f "$out/time-$p-$prog.json"
    fi
  done
}
# One platform's pricing run.
price() {
  local p=$1 l=$2
  log "$p: pricing run ($workloads)"
  if [ -z "$l" ]; then
    virtax run --only "$workloads" --suite quick --rounds "$rounds" --label "$p" --out "$out/$p.json" --no-progress > "$out/run-$p.txt" 2>&1 || log "$p: pricing run failed (see $out/run-$p.txt)"
  else
    # shellcheck disable=SC2086
    $l run --only "$workloads" --suite quick --rounds "$rounds" --label "$p" --out "$out/$p.json" --no-progress > "$out/run-$p.txt" 2>&1 || log "$p: pricing run failed (see $out/run-$p.txt)"
  fi
}

log "start: platforms $platforms; programs $programs"
for prog in $programs; do
  [ "${TIME_ONLY:-0}" = 1 ] && break
  log "recording $prog (one warm-up run, then 3 recordings)"
  node "$repo/examples/validation/$prog.mjs" > /dev/null
  for i in 1 2 3; do
    virtax record --syscalls --name "$prog" --out "$out/app-$prog-r$i.json" -- node "$repo/examples/validation/$prog.mjs" > /dev/null 2> "$out/record-$prog-r$i.err"
  done
  node -e '
    const fs = require("fs");
    const runs = process.argv.slice(1).map((f) => ({ f, own: JSON.parse(fs.readFileSync(f, "utf8")).ownSeconds })).sort((a, b) => a.own - b.own);
    fs.copyFileSync(runs[1].f, process.argv[1].replace(/-r1\.json$/, ".json"));
    console.error(`own time ${runs.map((r) => r.own.toFixed(3)).join(", ")} s: priced ${runs[1].f}`);
  ' "$out/app-$prog-r1.json" "$out/app-$prog-r2.json" "$out/app-$prog-r3.json" 2>> "$out/log.txt"
done
if [ "${RECORD_ONLY:-0}" != 1 ]; then
  measure host
  for p in $platforms; do measure "$p"; done
fi
for prog in $programs; do
  files=("$out/host.json")
  for p in $platforms; do [ -f "$out/$p.json" ] && files+=("$out/$p.json"); done
  virtax advise "${files[@]}" --app "$out/app-$prog.json" --json > "$out/pred-$prog.json"
  virtax advise "${files[@]}" --app "$out/app-$prog.json" > "$out/pred-$prog.txt"
done
log "done"
node "$here/validate-advise-table.mjs" "$out" | tee "$out/table.md"
