#!/bin/sh
# Run the probe on every host listed in a hosts file over plain ssh, in parallel, each uploading to the
# collector. Each line of the hosts file: "<ssh destination> <label>", e.g.
#   root@metal-01 metal-epyc
#   ubuntu@vm-01  kvm-m5.large
# virtax must be installed on the hosts (npm install -g virtax-0.1.0.tgz). Usage:
#   VIRTAX_TOKEN=... deploy/ssh/fleet.sh hosts.txt http://collector.example.com:7070
# Results are also copied back to ./results/, so a collector outage loses nothing:
#   virtax upload results/*.json --to http://collector.example.com:7070
set -eu
hosts_file=${1:?usage: fleet.sh HOSTS_FILE COLLECTOR_URL}
collector=${2:?usage: fleet.sh HOSTS_FILE COLLECTOR_URL}
: "${VIRTAX_TOKEN:?set VIRTAX_TOKEN to the collector token}"
suite=${VIRTAX_SUITE:-standard}
mkdir -p results logs

while read -r dest label; do
  case "$dest" in ''|'#'*) continue ;; esac
  (
    out="/var/tmp/virtax-$label.json"
    # The token goes over ssh's stdin, not the command line (which other users can see in ps).
    printf '%s\n' "$VIRTAX_TOKEN" | ssh -o BatchMode=yes "$dest" \
      "read -r VIRTAX_TOKEN && export VIRTAX_TOKEN && virtax run --suite $suite --label '$label' --out '$out' --no-progress --upload '$collector'" \
      >"logs/$label.log" 2>&1 || echo "$dest: run or upload failed, see logs/$label.log" >&2
    scp -q "$dest:$out" "results/$label.json" </dev/null || echo "$dest: could not copy $out back" >&2
  ) &
done <"$hosts_file"
wait
echo "done: results in ./results, logs in ./logs; report at $collector/report?label=<label>"
