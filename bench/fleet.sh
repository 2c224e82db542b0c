#!/usr/bin/env bash
# fleet.sh: N engines running the demo (spindle serve ×N on sockets of a
# runtime dir of its own) and one real dashboard over all of them (spindle
# attach --all in tmux, 160x48). After WARM seconds it reads the dashboard's
# /proc/PID/{stat,io,status} and the machine's /proc/stat, waits DUR seconds,
# reads them again and prints: the dashboard's CPU (% of one core), its RSS
# (now and peak), the bytes it read per second (rchar: its sockets, all N
# streams), and the whole machine's busy share (are the engines saturating it?).
#
#   bench/fleet.sh                 # N=50 WARM=20 DUR=60
#   N=10 DUR=60 bench/fleet.sh
#   BIN=/path/to/spindle bench/fleet.sh   # a binary built elsewhere
#   FILE=idle.yaml bench/fleet.sh         # each engine serves FILE, not the demo
#
# Run it alone (flock -x /work/cpu.lock on a shared machine): the N engines
# are the load. It cleans up after itself (tmux server, engines, dirs).
set -euo pipefail
N=${N:-50}
WARM=${WARM:-20}
DUR=${DUR:-60}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/spfleet.XXXX)
runtime=$work/rt
mkdir -m 700 "$runtime"
tm="spindle-fleet-bench-$$"
pids=()
cleanup() {
  tmux -L "$tm" kill-server 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

bin=${BIN:-}
if [[ -z $bin ]]; then
  bin=$work/spindle
  (cd "$here" && go build -o "$bin" .)
fi

what="the demo"
args=()
if [[ -n ${FILE:-} ]]; then
  what=$FILE
  args=(-f "$(cd "$(dirname "$FILE")" && pwd)/$(basename "$FILE")")
fi
for i in $(seq 1 "$N"); do
  XDG_RUNTIME_DIR=$runtime "$bin" serve "${args[@]}" >"$work/serve-$i.log" 2>&1 &
  pids+=($!)
done
for i in $(seq 1 200); do
  n=$( (find "$runtime/spindle" -name '*.sock' 2>/dev/null || true) | wc -l)
  [[ $n -ge $N ]] && break
  sleep 0.1
done
echo "engines: $n of $N serving $what"

tmux -L "$tm" new-session -d -s fleet -x 160 -y 48 \
  "env TERM=xterm-256color XDG_RUNTIME_DIR=$runtime $bin attach --all 2>$work/attach.err; sleep 600"
shell=$(tmux -L "$tm" display-message -p -t fleet '#{pane_pid}')
pid=""
for i in $(seq 1 100); do
  pid=$(pgrep -P "$shell" -f "attach --all" || true)
  [[ -n $pid ]] && break
  sleep 0.1
done
[[ -n $pid ]] || { echo "attach did not start"; cat "$work/attach.err"; exit 1; }
sleep "$WARM"
tmux -L "$tm" capture-pane -p -t fleet | head -3

ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
rchar() { awk '/^rchar/ {print $2}' "/proc/$1/io"; }
busy() { awk '/^cpu / {idle=$5+$6; t=0; for(i=2;i<=NF;i++) t+=$i; print t-idle, t}' /proc/stat; }
hz=$(getconf CLK_TCK)
t0=$(ticks "$pid"); r0=$(rchar "$pid"); read -r b0 a0 < <(busy); s0=$(date +%s.%N)
sleep "$DUR"
t1=$(ticks "$pid"); r1=$(rchar "$pid"); read -r b1 a1 < <(busy); s1=$(date +%s.%N)
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
awk -v t="$((t1 - t0))" -v hz="$hz" -v r="$((r1 - r0))" -v s0="$s0" -v s1="$s1" -v b="$((b1 - b0))" -v a="$((a1 - a0))" \
    -v rss="$rss" -v hwm="$hwm" -v n="$N" -v cores="$(nproc)" 'BEGIN {
  d = s1 - s0
  printf "engines %d, %.1f s measured on %d cores\n", n, d, cores
  printf "dashboard CPU   %.2f%% of a core (%d ticks)\n", 100 * t / hz / d, t
  printf "dashboard RSS   %.1f MiB (peak %.1f MiB)\n", rss / 1024, hwm / 1024
  printf "bytes read      %.1f KB/s (%.1f KB/s per engine)\n", r / d / 1000, r / d / 1000 / n
  printf "machine busy    %.1f%% of all cores\n", 100 * b / a
}'
