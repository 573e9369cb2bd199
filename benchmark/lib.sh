# shellcheck shell=bash
# Helpers shared by the benchmark scripts (compare-builds.sh, peers.sh). Source it; do not run it.

# Prints a JDK 21+ `java` ($JAVA21 when set), or fails.
find_java21() {
  if [ -n "${JAVA21:-}" ]; then echo "$JAVA21"; return; fi
  local j
  for j in /usr/lib/jvm/*-2[1-9]-* /usr/lib/jvm/*-2[1-9] /usr/lib/jvm/*jdk-2[1-9]* ${JAVA_HOME:-/nonexistent}; do
    if [ -x "$j/bin/java" ] && "$j/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then echo "$j/bin/java"; return; fi
  done
  echo "no JDK 21+ found; set JAVA21=/path/to/bin/java" >&2
  return 1
}

# benchmark_classpath CHECKOUT WORKDIR: builds CHECKOUT's benchmark module and the modules it needs
# (offline first; online when Maven's local repository lacks something) and prints its class path.
benchmark_classpath() {
  local dir="$1" work="$2" mode
  mkdir -p "$work"
  work=$(cd "$work" && pwd) # Maven resolves a relative output file against each module's directory
  for mode in -o ""; do
    (cd "$dir" && ./mvnw -q $mode -pl benchmark -am package -DskipTests -Dmaven.javadoc.skip=true \
        dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >"$work/build.log" 2>&1) && break
    [ -z "$mode" ] && { tail -40 "$work/build.log" >&2; return 1; }
  done
  local abs
  abs=$(cd "$dir" && pwd)
  local m
  for m in proto core wire telemetry embedded redis security client-sdk coordinator worker; do
    [ -d "$abs/$m/target/classes" ] && printf '%s:' "$abs/$m/target/classes"
  done
  printf '%s:%s\n' "$abs/benchmark/target/classes" "$(cat "$work/cp.txt")"
}
