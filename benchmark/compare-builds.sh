#!/usr/bin/env bash
# Compares the no-op end-to-end throughput of two builds of Taskgrid on this machine, in one run:
# the working tree's and that of an earlier revision (default: the last commit before execution
# policies, c1e7244), each built into its own directory, then their Benchmark throughput runs
# alternate (old, new, new, old, ...) so drift favours neither.
#
#   bash benchmark/compare-builds.sh [revision] [pairs]
#
# BENCH_TASKS (default 30000) sizes each throughput run. Needs Maven's local repository filled
# by one build of the working tree (it builds offline).
set -euo pipefail
cd "$(dirname "$0")/.."
rev="${1:-c1e7244}"
pairs="${2:-3}"
work="${TMPDIR:-/tmp}/taskgrid-compare"
mkdir -p "$work"

classpath() { # $1: a checkout; builds it and prints the benchmark module's class path
  (cd "$1" && ./mvnw -q -o -pl benchmark -am package -DskipTests -Dmaven.javadoc.skip=true \
      dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >"$work/build.log" 2>&1) \
    || { tail -40 "$work/build.log" >&2; exit 1; }
  (cd "$1" && for m in proto core wire telemetry embedded redis client-sdk coordinator worker; do
     [ -d "$m/target/classes" ] && printf '%s:' "$PWD/$m/target/classes"; done)
  printf '%s:%s\n' "$PWD/$1/benchmark/target/classes" "$(cat "$work/cp.txt")" | sed "s#$PWD/$1/#$1/#"
}

old="$work/old"
rm -rf "$old"
git clone -q . "$old"
git -C "$old" checkout -q "$rev"
echo "Building $rev in $old"
cp_old="$(classpath "$old")"
echo "Building the working tree"
cp_new="$(classpath "$PWD")"

java="${JAVA21:-}"
if [ -z "$java" ]; then
  for j in /usr/lib/jvm/*-2[1-9]-* /usr/lib/jvm/*-2[1-9] /usr/lib/jvm/*jdk-2[1-9]*; do
    [ -x "$j/bin/java" ] && { java="$j/bin/java"; break; }
  done
fi
[ -n "$java" ] || { echo "no JDK 21+ found; set JAVA21=/path/to/bin/java" >&2; exit 1; }

run() { # $1: label, $2: class path; prints the measured throughput (tasks/s)
  BENCH_SECONDS=2 BENCH_WARMUP_SECONDS=1 "$java" -Xmx2g -XX:+UseG1GC -XX:MaxGCPauseMillis=5 -Dtaskgrid.benchmark=true \
      --enable-native-access=ALL-UNNAMED -cp "$2" io.taskgrid.benchmark.Benchmark "$work/report-$1.md" >"$work/run-$1.log" 2>&1
  grep -E '^  [0-9]+ tasks in .* tasks/s' "$work/run-$1.log" | sed -n 2p | sed -E 's/.* = ([0-9]+) tasks\/s.*/\1/' || true
}

declare -a olds news
for ((p = 0; p < pairs; p++)); do
  if ((p % 2 == 0)); then order="old new"; else order="new old"; fi
  for which in $order; do
    if [ "$which" = old ]; then t=$(run "old-$p" "$cp_old"); else t=$(run "new-$p" "$cp_new"); fi
    if [ -z "$t" ]; then echo "pair $((p + 1)) $which: the run failed, see $work/run-$which-$p.log"; continue; fi
    if [ "$which" = old ]; then olds+=("$t"); else news+=("$t"); fi
    echo "pair $((p + 1)) $which ($([ "$which" = old ] && echo "$rev" || echo working tree)): $t tasks/s"
  done
done
mean() { local s=0; for x in "$@"; do s=$((s + x)); done; echo $((s / $#)); }
mo=$(mean "${olds[@]}"); mn=$(mean "${news[@]}")
echo
echo "$rev: ${olds[*]} tasks/s, mean $mo"
echo "working tree: ${news[*]} tasks/s, mean $mn"
awk -v o="$mo" -v n="$mn" 'BEGIN { printf "working tree vs %s: %+.1f%%\n", "'"$rev"'", 100 * (n / o - 1) }'
