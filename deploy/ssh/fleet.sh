#!/bin/sh
# Run the probe on every host listed in a hosts file over plain ssh, in parallel, each uploading to the
# collector over HTTPS. Each line of the hosts file: "<ssh destination> <label>", e.g.
#   root@metal-01 metal-epyc
#   ubuntu@vm-01  kvm-m5.large
# Each label has its own write token in TOKENS_DIR/<label>.token (made with `openssl rand -hex 24`; the
# collector's --tokens file allows it that label only, see docs/collector.md), so a token stolen from one
# host cannot post under another host's label and cannot read.
# virtax must be installed on the hosts (npm install -g virtax-0.1.0.tgz). Usage:
#   TOKENS_DIR=./tokens deploy/ssh/fleet.sh hosts.txt https://collector.example.com:7070
# Results are also copied back to ./results/, so a collector outage loses nothing:
#   virtax upload results/LABEL.json --to https://collector.example.com:7070 --token-file tokens/LABEL.token
set -eu
hosts_file=${1:?usage: fleet.sh HOSTS_FILE COLLECTOR_URL}
collector=${2:?usage: fleet.sh HOSTS_FILE COLLECTOR_URL}
tokens_dir=${TOKENS_DIR:?set TOKENS_DIR to the directory of per-label token files}
case "$collector" in
  https://*) ;;
  *) echo "fleet.sh: the collector URL must be https:// (the token would cross the network in clear)" >&2; exit 2 ;;
esac
suite=${VIRTAX_SUITE:-standard}
mkdir -p results logs

while read -r dest label; do
  case "$dest" in ''|'#'*) continue ;; esac
  (
    out="/var/tmp/virtax-$label.json"
    token_file="$tokens_dir/$label.token"
    [ -r "$token_file" ] || { echo "$dest: no token file $token_file" >&2; exit 1; }
    # The token goes over ssh's stdin, not the command line (which other users can see in ps).
    ssh -o BatchMode=yes "$dest" <"$token_file" \
      "IFS= read -r VIRTAX_TOKEN || [ -n \"\$VIRTAX_TOKEN\" ]; export VIRTAX_TOKEN; virtax run --suite $suite --label '$label' --out '$out' --no-progress --upload '$collector'" \
      >"logs/$label.log" 2>&1 || echo "$dest: run or upload failed, see logs/$label.log" >&2
    scp -q "$dest:$out" "results/$label.json" </dev/null || echo "$dest: could not copy $out back" >&2
  ) &
done <"$hosts_file"
wait
echo "done: results in ./results, logs in ./logs; report (with a read token) at $collector/report?label=<label>"
