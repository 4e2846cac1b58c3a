#!/bin/sh
# Start a command (normally `virtax agent`) inside a minimal container made with unshare(1): its own PID,
# mount (with a fresh /proc), network (loopback only), UTS and IPC namespaces, optionally inside a
# cgroup v1 cpu cgroup with a CFS quota. Needs root and cgroup v1's cpu controller at /sys/fs/cgroup/cpu.
# stdin/stdout/stderr pass straight through, so it is a duel side as it stands:
#
#   virtax duel --a 'virtax agent' --b 'scripts/container-agent.sh --cpu-quota 50 -- virtax agent'
#
# Options:
#   --cpu-quota PCT   CPU quota in percent of one CPU (e.g. 50 = half a CPU; 200 = two CPUs). Default: none.
#   --period US       CFS period in microseconds (default 100000).
#   --cpu-shares N    cpu.shares of the container's cgroup (default: the kernel's, 1024).
#   --name NAME       cgroup name (default virtax-agent-<pid>), made under the cpu cgroup this script
#                     runs in (nested, as container runtimes do); removed on exit.
#   --no-netns        keep the host's network namespace (for network workloads against a host peer).
# Exit status: the command's; 2 for bad usage or a missing prerequisite (the reason on stderr).
set -eu

quota=""
shares=""
period=100000
name="virtax-agent-$$"
netns="--net"
while [ $# -gt 0 ]; do
  case "$1" in
    --cpu-quota) quota="${2:?--cpu-quota needs a percentage}"; shift 2 ;;
    --period) period="${2:?--period needs microseconds}"; shift 2 ;;
    --cpu-shares) shares="${2:?--cpu-shares needs a number}"; shift 2 ;;
    --name) name="${2:?--name needs a name}"; shift 2 ;;
    --no-netns) netns=""; shift ;;
    --) shift; break ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "container-agent: name the command to run (e.g. -- virtax agent)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "container-agent: needs root (namespaces and cgroups)" >&2; exit 2; }
command -v unshare >/dev/null 2>&1 || { echo "container-agent: unshare(1) not found (util-linux)" >&2; exit 2; }
case "$name" in *[!A-Za-z0-9._-]*|'') echo "container-agent: --name may hold only letters, digits, . _ -" >&2; exit 2 ;; esac

root=/sys/fs/cgroup/cpu
cg=""
if [ -n "$quota$shares" ]; then
  case "$quota$shares" in *[!0-9]*) echo "container-agent: --cpu-quota and --cpu-shares take whole numbers" >&2; exit 2 ;; esac
  [ -e "$root/cpu.cfs_quota_us" ] || { echo "container-agent: no cgroup v1 cpu controller at $root (mount | grep cgroup)" >&2; exit 2; }
  # The cpu cgroup we are in now: the container's cgroup goes below it.
  here=$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ { print $3 }' /proc/self/cgroup)
  parent="$root${here%/}"
  [ -w "$parent/cgroup.procs" ] || { echo "container-agent: cannot write cgroup $parent" >&2; exit 2; }
  cg="$parent/$name"
  mkdir "$cg"
  if [ -n "$quota" ]; then
    echo "$period" > "$cg/cpu.cfs_period_us"
    echo $((period * quota / 100)) > "$cg/cpu.cfs_quota_us"
  fi
  [ -z "$shares" ] || echo "$shares" > "$cg/cpu.shares"
  echo $$ > "$cg/cgroup.procs"
fi

cleanup() {
  if [ -n "$cg" ] && [ -d "$cg" ]; then
    echo $$ > "$parent/cgroup.procs" 2>/dev/null || true
    rmdir "$cg" 2>/dev/null || true
  fi
}
child=""
forward() {
  [ -n "$child" ] && kill -TERM "$child" 2>/dev/null || true
}
trap forward TERM INT HUP

# A background job of a non-interactive shell reads /dev/null unless told otherwise: hand it our stdin.
exec 3<&0
# Inside: bring loopback up (a fresh network namespace has it down), then become the command.
unshare --pid --fork --mount-proc $netns --uts --ipc \
  sh -c 'command -v ip >/dev/null 2>&1 && ip link set lo up 2>/dev/null; exec "$@"' container-agent "$@" <&3 3<&- &
child=$!
exec 3<&-
status=0
while :; do
  wait "$child" && status=0 || status=$?
  # wait returns early (>128) when a trapped signal arrives; keep waiting until the child is gone.
  kill -0 "$child" 2>/dev/null || break
done
cleanup
exit "$status"
