#!/usr/bin/env bash
# Taskgrid beside BullMQ on this machine, in one command: alternating rounds of the same two
# workloads, then each figure and the ratio.
#
#   bash benchmark/peers.sh            (or ./mvnw -q -Pbenchmark-peers package: builds, then runs this)
#
#   W1  50,000 no-op jobs submitted in batches of 1000, until all are done (jobs/s). BullMQ stops
#       when its worker has completed them; Taskgrid when every result is delivered to the caller.
#   W2  200 jobs/s for 30 s, one submit each: submit-to-start latency p50/p95/p99.
#
# BullMQ: the runner in $PEERS_DIR (default ../shared/bench/peers beside this repository), which
# installs bullmq from npm and starts its own redis-server (no persistence), concurrency 50.
# Taskgrid: benchmark/Benchmark (one JVM: coordinator, worker with concurrency 256, SDK client;
# Kafka and Redis as child processes, acks=all, executions recorded in Redis, results delivered),
# the default configuration otherwise. Its JVM starts afresh each round, after its own warm-up
# (BENCH_WARMUP_TASKS no-op tasks, then BENCH_WARMUP_SECONDS at 200/s).
#
# Environment: ROUNDS (2), N (50000), SECONDS_W2 (30), BENCH_WARMUP_SECONDS (15), BENCH_WARMUP_TASKS
# (10000), TASKGRID_JVM_ARGS (more options for Taskgrid's JVM, e.g. -XX:TieredStopAtLevel=1),
# PEERS_DIR, JAVA21. Writes the table to benchmark/target/peers-report.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmark/lib.sh
rounds="${ROUNDS:-2}"
n="${N:-50000}"
w2_seconds="${SECONDS_W2:-30}"
peers="${PEERS_DIR:-$(cd .. && pwd)/shared/bench/peers}"
[ -x "$peers/run-bullmq.sh" ] || { echo "no BullMQ runner at $peers/run-bullmq.sh; set PEERS_DIR" >&2; exit 1; }
work="benchmark/target/peers"
mkdir -p "$work"
java="$(find_java21)"
if [ "${1:-}" = --classpath ]; then
  cp="$2" # given by the benchmark-peers Maven profile, which has just built it
else
  echo "Building Taskgrid's benchmark"
  cp="$(benchmark_classpath . "$work")"
fi

bullmq() { # $1: round; prints "w1_jobs_per_s p50 p95 p99"
  N="$n" REPEATS=1 WORKLOADS="w1 w2" SECS="$w2_seconds" bash "$peers/run-bullmq.sh" >"$work/bullmq-$1.log" 2>&1 || true
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(l => l.startsWith("RESULT "));
    const r = Object.fromEntries(lines.map(l => JSON.parse(l.slice(7))).map(j => [j.workload, j]));
    const w1 = r.w1 && !r.w1.error ? r.w1.jobs_per_s : "?";
    const w2 = r.w2 && !r.w2.error ? [r.w2.p50_ms, r.w2.p95_ms, r.w2.p99_ms] : ["?", "?", "?"];
    console.log([w1, ...w2].join(" "));' "$work/bullmq-$1.log"
}

taskgrid() { # $1: round; prints "tasks_per_s p50 p95 p99"
  BENCH_TASKS="$n" BENCH_RATE=200 BENCH_SECONDS="$w2_seconds" BENCH_WARMUP_SECONDS="${BENCH_WARMUP_SECONDS:-15}" \
    "$java" -Xmx2g -XX:+UseG1GC -XX:MaxGCPauseMillis=5 ${TASKGRID_JVM_ARGS:-} -Dtaskgrid.benchmark=true --enable-native-access=ALL-UNNAMED \
    -cp "$cp" io.taskgrid.benchmark.Benchmark "$work/taskgrid-$1.md" >"$work/taskgrid-$1.log" 2>&1 || true
  local report="$work/taskgrid-$1.md"
  [ -s "$report" ] || { echo "? ? ? ?"; return; }
  local tps p50 p95 p99
  tps=$(sed -nE 's/^\| end-to-end throughput.*\| ([0-9]+) tasks\/s \|$/\1/p' "$report")
  p50=$(sed -nE 's/^\| submit-to-handler-start latency.*: p50 \| ([0-9.]+) ms \|$/\1/p' "$report")
  p95=$(sed -nE 's/^\| p95 \| ([0-9.]+) ms \|$/\1/p' "$report")
  p99=$(sed -nE 's/^\| p99 \| ([0-9.]+) ms \|$/\1/p' "$report")
  echo "${tps:-?} ${p50:-?} ${p95:-?} ${p99:-?}"
}

declare -a rows
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2 == 1)); then order="bullmq taskgrid"; else order="taskgrid bullmq"; fi
  for peer in $order; do
    echo "Round $r: $peer"
    if [ "$peer" = bullmq ]; then read -r bw1 bp50 bp95 bp99 <<<"$(bullmq "$r")"
    else read -r tw1 tp50 tp95 tp99 <<<"$(taskgrid "$r")"; fi
  done
  rows+=("$r $bw1 $tw1 $bp50 $tp50 $bp95 $tp95 $bp99 $tp99")
  echo "  BullMQ $bw1 jobs/s, p50/p95/p99 $bp50/$bp95/$bp99 ms; Taskgrid $tw1 tasks/s, $tp50/$tp95/$tp99 ms"
done

{
  echo "## Taskgrid beside BullMQ ($(date -u +%Y-%m-%d), $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sm))"
  echo
  echo "W1: $n no-op jobs in batches of 1000, until all are done. W2: 200 jobs/s for $w2_seconds s, submit-to-start."
  echo "Taskgrid: warm-up ${BENCH_WARMUP_TASKS:-10000} tasks and ${BENCH_WARMUP_SECONDS:-15} s at 200/s; JVM options: -Xmx2g -XX:+UseG1GC -XX:MaxGCPauseMillis=5 ${TASKGRID_JVM_ARGS:-}"
  echo "Ratio: Taskgrid / BullMQ (throughput: higher is better; latency: lower is better)."
  echo
  echo "| round | W1 BullMQ jobs/s | W1 Taskgrid tasks/s | ratio | W2 p50 ms BullMQ / Taskgrid | W2 p95 ms | W2 p99 ms | p99 ratio |"
  echo "|---|---|---|---|---|---|---|---|"
  for row in "${rows[@]}"; do
    read -r r bw1 tw1 bp50 tp50 bp95 tp95 bp99 tp99 <<<"$row"
    awk -v r="$r" -v bw1="$bw1" -v tw1="$tw1" -v bp50="$bp50" -v tp50="$tp50" -v bp95="$bp95" -v tp95="$tp95" -v bp99="$bp99" -v tp99="$tp99" '
      function ratio(a, b) { return (a + 0 > 0 && b + 0 > 0) ? sprintf("%.2fx", a / b) : "?" }
      BEGIN { printf "| %s | %s | %s | %s | %s / %s | %s / %s | %s / %s | %s |\n", r, bw1, tw1, ratio(tw1, bw1), bp50, tp50, bp95, tp95, bp99, tp99, ratio(tp99, bp99) }'
  done
} | tee "benchmark/target/peers-report.md"
echo "Logs: $work"
