#!/usr/bin/env bash
# Compares the no-op end-to-end throughput of two builds of Taskgrid on this machine, in one run:
# the working tree's and that of an earlier revision (default: the last commit before execution
# policies, c1e7244), each built into its own directory, then their Benchmark throughput runs
# alternate (old, new, new, old, ...) so drift favours neither.
#
#   bash benchmark/compare-builds.sh [revision] [pairs]
#
# BENCH_TASKS (default 50000) sizes each throughput run, BENCH_WARMUP_TASKS (default 10000) the unmeasured run before it; BENCH_JVM_ARGS adds JVM options, {run} in
# them standing for the run's name (e.g. -XX:StartFlightRecording=filename=/tmp/{run}.jfr).
# BENCH_OLD_ENV and BENCH_NEW_ENV set environment variables for one side's runs only, so that a
# build can be compared with itself: `BENCH_NEW_ENV="BENCH_LIFECYCLE=off" bash benchmark/compare-builds.sh HEAD`
# measures what the lifecycle events cost. Needs Maven's local repository filled by one build of
# the working tree (it builds offline).
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmark/lib.sh
rev="${1:-c1e7244}"
pairs="${2:-3}"
work="${TMPDIR:-/tmp}/taskgrid-compare"
mkdir -p "$work"

old="$work/old"
rm -rf "$old"
git clone -q . "$old"
git -C "$old" checkout -q "$rev"
echo "Building $rev in $old"
cp_old="$(benchmark_classpath "$old" "$work")"
echo "Building the working tree"
cp_new="$(benchmark_classpath "$PWD" "$work")"

java="$(find_java21)"

tasks="${BENCH_TASKS:-50000}"
# every task of a run: the warm-up's, the throughput run's and the 600 of the latency runs
run_tasks=$(( ${BENCH_WARMUP_TASKS:-10000} + 600 + tasks ))
redis_calls() { # $1: the benchmark JVM, $2: a file; keeps its redis-server's INFO commandstats of the last second
  local port="" child
  while kill -0 "$1" 2>/dev/null; do
    if [ -z "$port" ]; then
      for child in $(pgrep -P "$1" redis-server); do
        port=$(tr '\0' ' ' <"/proc/$child/cmdline" | sed -nE 's/.*:([0-9]+).*/\1/p')
      done
    fi
    if [ -n "$port" ] && exec 3<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
      printf 'INFO commandstats\r\n' >&3
      timeout 1 cat <&3 >"$2.tmp" 2>/dev/null || true
      exec 3<&- 3>&-
      grep -q '^cmdstat_' "$2.tmp" && mv "$2.tmp" "$2"
    fi
    sleep 1
  done
}
calls_per_task() { # $1: a commandstats file; Redis commands per task (a script's inner calls not counted)
  [ -s "$1" ] || { echo "?"; return; }
  awk -F'[=,:]' -v n="$run_tasks" '/^cmdstat_/ && !/cmdstat_(info|ping|hello|client|select|script)/ { c += $3 }
    END { printf "%.2f", c / n }' "$1"
}
run() { # $1: label, $2: class path, $3: environment (NAME=value ...); prints the measured throughput (tasks/s) and the CPU time of the whole run
  local t0 t1 me=$BASHPID jvm_args="${BENCH_JVM_ARGS:-}"
  jvm_args="${jvm_args//\{run\}/$1}"
  # CPU of the run: the JVM and its reaped children (the Kafka broker and redis-server processes)
  t0=$(awk '{print $14+$15+$16+$17}' /proc/$me/stat)
  rm -f "$work/redis-$1.txt"
  ( BENCH_SECONDS=2 BENCH_WARMUP_SECONDS=1 exec env ${3:-} "$java" -Xmx2g -XX:+UseG1GC -XX:MaxGCPauseMillis=5 -Dtaskgrid.benchmark=true $jvm_args \
      --enable-native-access=ALL-UNNAMED -cp "$2" io.taskgrid.benchmark.Benchmark "$work/report-$1.md" >"$work/run-$1.log" 2>&1 ) &
  local jvm=$!
  redis_calls "$jvm" "$work/redis-$1.txt" &
  local sampler=$!
  wait "$jvm"
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  t1=$(awk '{print $14+$15+$16+$17}' /proc/$me/stat)
  local tps
  tps=$(grep -E '^  [0-9]+ tasks in .* tasks/s' "$work/run-$1.log" | sed -n 2p | sed -E 's/.* = ([0-9]+) tasks\/s.*/\1/' || true)
  [ -n "$tps" ] && echo "$tps $(( (t1 - t0) * 10000000 / $(getconf CLK_TCK) / run_tasks )) $(calls_per_task "$work/redis-$1.txt")"
}

declare -a olds news oldc newc
for ((p = 0; p < pairs; p++)); do
  if ((p % 2 == 0)); then order="old new"; else order="new old"; fi
  for which in $order; do
    if [ "$which" = old ]; then r=$(run "old-$p" "$cp_old" "${BENCH_OLD_ENV:-}"); else r=$(run "new-$p" "$cp_new" "${BENCH_NEW_ENV:-}"); fi
    if [ -z "$r" ]; then echo "pair $((p + 1)) $which: the run failed, see $work/run-$which-$p.log"; continue; fi
    read -r t c rc <<<"$r"
    if [ "$which" = old ]; then olds+=("$t"); oldc+=("$c"); else news+=("$t"); newc+=("$c"); fi
    echo "pair $((p + 1)) $which ($([ "$which" = old ] && echo "$rev" || echo working tree)): $t tasks/s, CPU $((c / 10)) us per task (all processes), $rc Redis commands per task"
  done
done
mean() { local s=0; for x in "$@"; do s=$((s + x)); done; echo $((s / $#)); }
mo=$(mean "${olds[@]}"); mn=$(mean "${news[@]}")
echo
echo "$rev: ${olds[*]} tasks/s, mean $mo"
echo "working tree: ${news[*]} tasks/s, mean $mn"
co=$(mean "${oldc[@]}"); cn=$(mean "${newc[@]}")
echo "CPU per task (us, JVM + broker + redis-server): $rev $((co / 10)), working tree $((cn / 10))"
awk -v o="$mo" -v n="$mn" -v co="$co" -v cn="$cn" 'BEGIN { printf "working tree vs %s: throughput %+.1f%%, CPU per task %+.1f%%\n", "'"$rev"'", 100 * (n / o - 1), 100 * (cn / co - 1) }'
