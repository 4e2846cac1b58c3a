#!/usr/bin/env bash
# Run virtax (by default `virtax agent`, a duel side) inside a User-Mode Linux guest: a real Linux kernel
# run as a process of this host, with this host's root filesystem mounted over hostfs (files written inside
# land on this host), no KVM needed. The guest boots in about 2 s, mounts /proc and /sys, brings `lo` up,
# runs the command with stdin/stdout carried byte-exact over a raw tty (the guest's /dev/tty1 is this
# script's stdin/stdout) and its stderr on the guest console (this script's stderr), then powers off.
#
#   virtax duel --a 'virtax agent' --b 'scripts/uml-agent.sh' --label-b uml --only cpu.int sys.stat
#   scripts/uml-agent.sh run --suite quick --out results/uml.json     # `virtax run` inside the guest
#   scripts/uml-agent.sh fingerprint --json                           # what the guest says it is
#   scripts/uml-agent.sh -- sh -c 'cat /proc/cpuinfo'                 # any command
#
# Usage: scripts/uml-agent.sh [options] [VIRTAX-COMMAND [ARGS...] | -- COMMAND [ARGS...]]
#   VIRTAX-COMMAND   a virtax subcommand run as `node bin/virtax.js ...` from this checkout (default: agent)
#   -- COMMAND       any command instead (run from the current directory)
# Options:
#   --mem SIZE       guest memory (default 2G)
#   --outer LAYERS   VIRTAX_OUTER_PLATFORM for the guest (default: computed by scripts/outer-platform.sh from
#                    this host's fingerprint; '' passes nothing)
#   --verbose        show the guest kernel's boot messages on stderr
# Exit status: the command's inside the guest; 2 for bad usage or a missing prerequisite (reason on stderr).
#
# The guest has one CPU. In UML every system call of a guest process traps to the UML kernel through
# ptrace on the host, and the clock has no vDSO: syscall-heavy work costs many times more than on the host,
# and far more than under KVM, where system calls do not trap at all. A UML figure is not a KVM figure.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
mem=2G
verbose=0
outer=unset
raw=0
while [ $# -gt 0 ]; do
  case "$1" in
    --mem) mem="${2:?--mem needs a size such as 2G}"; shift 2 ;;
    --outer) outer="${2?--outer needs layers such as vm:kvm}"; shift 2 ;;
    --verbose) verbose=1; shift ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    --) raw=1; shift; break ;;
    -*) echo "uml-agent: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ "$raw" = 1 ]; then
  [ $# -gt 0 ] || { echo "uml-agent: name the command after --" >&2; exit 2; }
else
  [ $# -gt 0 ] || set -- agent
  set -- node "$repo/bin/virtax.js" "$@"
fi
# An agent (a command whose last word is `agent`) whose stdin ends is told to quit: a tty carries no end of
# file into the guest.
agent=0
[ "${!#}" != agent ] || agent=1

command -v linux >/dev/null 2>&1 || { echo "uml-agent: linux (User-Mode Linux) not found; install the Debian package user-mode-linux" >&2; exit 2; }
command -v node >/dev/null 2>&1 || { echo "uml-agent: node not found on PATH" >&2; exit 2; }
[ "$raw" = 1 ] || [ -f "$repo/dist/cli/main.js" ] || { echo "uml-agent: $repo/dist is not built; run npm run build" >&2; exit 2; }
[ "$outer" != unset ] || outer=$("$here/outer-platform.sh" 2>/dev/null || true)

# The guest sees this host's root through hostfs: a directory under /tmp is shared with it.
work=$(mktemp -d "${TMPDIR:-/tmp}/virtax-uml.XXXXXX")
feeder=""
uml=""
cleanup() {
  if [ -n "$feeder" ]; then
    pkill -P "$feeder" 2>/dev/null || true # its cat, when input has not ended
    kill "$feeder" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap '[ -z "$uml" ] || kill -TERM "$uml" 2>/dev/null; exit 143' TERM INT HUP

q() { printf "'%s' " "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
cmdline=""
for a in "$@"; do cmdline="$cmdline$(q "$a")"; done

cat > "$work/init" <<INIT
#!/bin/sh
# PID 1 of the User-Mode Linux guest, written by scripts/uml-agent.sh.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
(ip link set lo up || ifconfig lo 127.0.0.1 up) >/dev/null 2>&1
hostname $(q "$(hostname)-uml")
export PATH=$(q "$PATH") HOME=$(q "${HOME:-/root}") LANG=C.UTF-8
$( [ -z "$outer" ] || echo "export VIRTAX_OUTER_PLATFORM=$(q "$outer")" )
cd $(q "$PWD") || exit 1
# /dev/tty1 is the launcher's stdin/stdout: raw, so every byte passes unchanged (no echo, no CR/LF rewriting).
# Held open from here on: input that arrives while nobody has the tty open is dropped at its last close, so the
# launcher sends nothing until the ready file below exists.
exec 5<>/dev/tty1
stty raw -echo <&5
# Pipes around the command: it never sees a tty (Node restores tty modes at exit and aborts when it cannot).
# The last stage powers off only once every byte of the command's output was written to the tty.
: > $(q "$work/ready")
cat <&5 | { $cmdline; echo \$? > $(q "$work/status"); } | { cat >&5; echo o > /proc/sysrq-trigger; }
sleep 60
INIT
chmod +x "$work/init"

quiet="quiet loglevel=1"
[ "$verbose" = 0 ] || quiet=""
# Host stdin reaches the guest through a feeder we can stop: when the guest is gone it would otherwise wait
# on a terminal. At end of input an agent gets a quit order (see above).
# It starts once the guest's tty is open and raw (the ready file), and then keeps the channel open: an end of
# file on it makes the guest's tty drop unread input.
wait_ready() {
  while [ ! -e "$work/ready" ]; do sleep 0.05; done
}
if [ "$agent" = 1 ]; then
  exec 7< <(wait_ready; cat; printf '%s\n' '{"v":1,"id":"uml-agent-eof","op":"quit"}'; exec sleep 2147483647)
else
  exec 7< <(wait_ready; cat; exec sleep 2147483647)
fi
feeder=$!
# con0 (the console: kernel messages, the command's stderr) goes to our stderr; con1 (/dev/tty1) is the channel.
# UML's own start-up lines on its stdout go to stderr too, so stdout carries the command's output only.
linux $quiet mem="$mem" root=/dev/root rootfstype=hostfs rootflags=/ rw init="$work/init" \
  con=null con0=null,fd:2 con1=fd:3,fd:4 3<&7 4>&1 7<&- 1>&2 &
uml=$!
exec 7<&-
wait "$uml" || true
uml=""
[ -s "$work/status" ] || { echo "uml-agent: the guest stopped before the command finished" >&2; exit 1; }
exit "$(cat "$work/status")"
