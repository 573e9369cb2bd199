package io.taskgrid.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layout `./mvnw package` builds in distribution/target/taskgrid-VERSION/, and its scripts
 * run for real: each starts its JVM and stops at once on a bad setting (no Kafka, Redis or
 * network needed), naming the variable.
 */
class DistributionIT {
  private static final Path DIST = Path.of(System.getProperty("taskgrid.dist",
      "target/taskgrid-" + Repo.VERSION)).toAbsolutePath();

  record Run(int exit, String out, String err) {}

  private static Run run(Map<String, String> env, String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("TASKGRID_") || k.equals("JAVA_OPTS"));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().putAll(env);
    Path out = Files.createTempFile("taskgrid-dist", ".out");
    Path err = Files.createTempFile("taskgrid-dist", ".err");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not stop within 60 s");
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static String bin(String script) {
    return DIST.resolve("bin").resolve(script).toString();
  }

  @Test
  void theLayoutHasScriptsLibrariesConfigurationAndTheDockerfile() throws IOException {
    for (String script : List.of("taskgrid-coordinator", "taskgrid-worker", "taskgrid-run", "taskgrid-healthcheck", "taskgrid")) {
      assertThat(Files.isExecutable(DIST.resolve("bin").resolve(script))).as("bin/%s is executable", script).isTrue();
    }
    assertThat(DIST.resolve("conf/tasks.yaml")).isRegularFile();
    assertThat(DIST.resolve("conf/logback.xml")).isRegularFile();
    assertThat(DIST.resolve("conf/taskgrid.env.example")).isRegularFile();
    assertThat(DIST.resolve("Dockerfile")).hasSameTextualContentAs(Repo.DOCKERFILE);

    Set<String> jars;
    try (Stream<Path> lib = Files.list(DIST.resolve("lib"))) {
      jars = lib.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
    assertThat(jars).contains("taskgrid-coordinator-" + Repo.VERSION + ".jar", "taskgrid-worker-" + Repo.VERSION + ".jar",
        "taskgrid-core-" + Repo.VERSION + ".jar", "taskgrid-proto-" + Repo.VERSION + ".jar",
        "taskgrid-cli-" + Repo.VERSION + ".jar");
    assertThat(jars).anyMatch(j -> j.startsWith("kafka-clients-")).anyMatch(j -> j.startsWith("redisson-"))
        .anyMatch(j -> j.startsWith("grpc-netty-shaded-")).anyMatch(j -> j.startsWith("logback-classic-"))
        .anyMatch(j -> j.startsWith("jackson-dataformat-yaml-"));
    assertThat(jars).as("nothing from tests or dev mode").noneMatch(j -> j.matches(
        "(junit|assertj|awaitility|kubernetes-|taskgrid-embedded|taskgrid-dev|taskgrid-e2e|taskgrid-benchmark|embedded-redis|kafka_2|testcontainers).*"));
    Set<String> artifacts = new TreeSet<>();
    for (String jar : jars) {
      // two artifacts named "annotations": com.google.android's (from gRPC) and org.jetbrains' (from
      // kotlin-stdlib, under the OTLP exporter's OkHttp sender); file names carry no group
      if (jar.equals("annotations-13.0.jar")) continue;
      assertThat(artifacts.add(jar.replaceFirst("-\\d[^-]*(-[A-Za-z]+)?(-\\d+)?\\.jar$", "")))
          .as("one version of %s in lib/", jar).isTrue();
    }
  }

  @Test
  void theTarballHoldsTheSameLayoutUnderOneDirectory() throws Exception {
    Path tarball = DIST.resolveSibling("taskgrid-" + Repo.VERSION + ".tar.gz");
    assertThat(tarball).isRegularFile();
    Process p = new ProcessBuilder("tar", "-tzvf", tarball.toString()).redirectErrorStream(true).start();
    String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isZero();
    String root = "taskgrid-" + Repo.VERSION + "/";
    assertThat(listing).containsPattern("-rwxr-xr-x .* " + java.util.regex.Pattern.quote(root + "bin/taskgrid-coordinator") + "\n")
        .containsPattern("-rwxr-xr-x .* " + java.util.regex.Pattern.quote(root + "bin/taskgrid-worker") + "\n")
        .contains(root + "lib/taskgrid-worker-" + Repo.VERSION + ".jar")
        .contains(root + "conf/tasks.yaml")
        .contains(root + "Dockerfile");
    assertThat(listing.lines().filter(l -> !l.isBlank())).allMatch(l -> l.contains(" " + root));
  }

  @Test
  void helpSaysWhatEachScriptRunsWithoutStartingJava() throws Exception {
    Run coordinator = run(Map.of("JAVA_HOME", "/nonexistent"), bin("taskgrid-coordinator"), "--help");
    assertThat(coordinator.exit()).isZero();
    assertThat(coordinator.out()).contains("io.taskgrid.coordinator.CoordinatorMain").contains("TASKGRID_");
    Run worker = run(Map.of("JAVA_HOME", "/nonexistent"), bin("taskgrid-worker"), "--help");
    assertThat(worker.exit()).isZero();
    assertThat(worker.out()).contains("io.taskgrid.worker.WorkerMain");
  }

  @Test
  void theCoordinatorStopsOnABadSettingNamingTheVariable() throws Exception {
    Run r = run(Map.of("TASKGRID_GRPC_PORT", "not-a-port"), bin("taskgrid-coordinator"));
    assertThat(r.exit()).as("stderr: %s", r.err()).isEqualTo(2);
    assertThat(r.err()).contains("taskgrid coordinator: bad configuration: TASKGRID_GRPC_PORT must be a whole number, got 'not-a-port'");
  }

  @Test
  void theWorkerStopsOnABadSettingNamingTheVariable() throws Exception {
    Run r = run(Map.of("TASKGRID_DRAIN_TIMEOUT", "forever"), bin("taskgrid-worker"));
    assertThat(r.exit()).as("stderr: %s", r.err()).isEqualTo(2);
    assertThat(r.err()).contains("taskgrid worker: bad configuration: TASKGRID_DRAIN_TIMEOUT must be a duration").contains("got 'forever'");
  }

  @Test
  void aSymbolicLinkToAScriptStillFindsTheLayout(@TempDir Path dir) throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("tg-worker"), DIST.resolve("bin/taskgrid-worker"));
    Run r = run(Map.of("TASKGRID_CLAIM_LEASE", "1ms"), link.toString());
    assertThat(r.exit()).as("stderr: %s", r.err()).isEqualTo(2);
    assertThat(r.err()).contains("bad configuration: TASKGRID_CLAIM_LEASE must be at least 1s, got '1ms'");
  }

  @Test
  void anOlderJavaIsRefusedWithAClearMessage(@TempDir Path dir) throws Exception {
    Path java = Files.createDirectories(dir.resolve("jdk17/bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"17.0.15\" 2025-04-15' >&2\n");
    assertThat(java.toFile().setExecutable(true)).isTrue();
    Run r = run(Map.of("JAVA_HOME", dir.resolve("jdk17").toString()), bin("taskgrid-coordinator"));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("Java 21 or newer is required").contains("version 17");

    Run none = run(Map.of("JAVA_HOME", dir.resolve("nothing-here").toString()), bin("taskgrid-worker"));
    assertThat(none.exit()).isEqualTo(1);
    assertThat(none.err()).contains("JAVA_HOME is set to").contains("not an executable java");
  }

  @Test
  void theRunLauncherNeedsAMainClass() throws Exception {
    Run r = run(Map.of(), bin("taskgrid-run"));
    assertThat(r.exit()).isEqualTo(64);
    assertThat(r.err()).contains("usage: taskgrid-run <main class>");
  }
}
