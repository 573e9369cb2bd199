package io.taskgrid.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.coordinator.CoordinatorConfig;
import io.taskgrid.coordinator.internal.config.TasksFileLoader;
import io.taskgrid.core.config.Setting;
import io.taskgrid.worker.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What goes into the layout and the image, checked before packaging: scripts, conf/, Dockerfiles. */
class LayoutSourcesTest {
  private static final Pattern ENV_LINE = Pattern.compile("^#?(TASKGRID_[A-Z0-9_]+)=(.*)$", Pattern.MULTILINE);

  @Test
  void theExampleEnvFileListsEverySettingWithItsDefault() {
    Map<String, String> listed = new LinkedHashMap<>();
    Matcher m = ENV_LINE.matcher(Repo.read(Repo.DIST_SRC.resolve("conf/taskgrid.env.example")));
    while (m.find()) assertThat(listed.put(m.group(1), m.group(2))).as("%s listed once", m.group(1)).isNull();
    Map<String, String> settings = new LinkedHashMap<>();
    for (Setting<?> s : Stream.concat(CoordinatorConfig.SETTINGS.stream(), WorkerConfig.SETTINGS.stream()).toList()) {
      settings.put(s.name(), s.defaultValue());
    }
    settings.forEach((name, def) -> assertThat(listed).as("conf/taskgrid.env.example").containsEntry(name, def));
    assertThat(listed.keySet()).allMatch(n -> settings.containsKey(n) || Repo.PENDING_SETTINGS.contains(n));
  }

  @Test
  void theExampleTasksFileIsValid() {
    CoordinatorConfig config = CoordinatorConfig.fromEnvironment(Map.of());
    assertThat(TasksFileLoader.parse("conf/tasks.yaml", Repo.read(Repo.DIST_SRC.resolve("conf/tasks.yaml")), Map.of(), config.limits(),
        config.scheduling().defaultZone())).isNotEmpty();
  }

  @Test
  void theLaunchersAreExecutablePosixScriptsThatRunTheMainClasses() {
    for (String script : List.of("taskgrid-run", "taskgrid-coordinator", "taskgrid-worker", "taskgrid-healthcheck", "taskgrid")) {
      Path p = Repo.DIST_SRC.resolve("bin/" + script);
      assertThat(Files.isExecutable(p)).as("%s is executable in the repository", script).isTrue();
    }
    assertThat(Repo.read(Repo.DIST_SRC.resolve("bin/taskgrid-run"))).startsWith("#!/bin/sh\n").contains("-cp \"$APP_HOME/lib/*\"");
    assertThat(Repo.read(Repo.DIST_SRC.resolve("bin/taskgrid-coordinator"))).startsWith("#!/bin/sh\n")
        .contains(" io.taskgrid.coordinator.CoordinatorMain ");
    assertThat(Repo.read(Repo.DIST_SRC.resolve("bin/taskgrid-worker"))).startsWith("#!/bin/sh\n").contains(" io.taskgrid.worker.WorkerMain ");
    assertThat(Repo.read(Repo.DIST_SRC.resolve("bin/taskgrid"))).startsWith("#!/bin/sh\n").contains(" io.taskgrid.cli.TaskgridCli ");
  }

  @Test
  void theImageIsTheLayoutOnTheOfficialTemurinJre() {
    String dockerfile = Repo.read(Repo.DOCKERFILE);
    assertThat(dockerfile).containsPattern("(?m)^FROM eclipse-temurin:21-jre$");
    Matcher copy = Pattern.compile("(?m)^COPY (\\S+)/ (\\S+)/$").matcher(dockerfile);
    int copied = 0;
    while (copy.find()) {
      assertThat(copy.group(2)).isEqualTo(Repo.IMAGE_HOME + "/" + copy.group(1));
      assertThat(List.of("bin", "conf", "lib")).contains(copy.group(1));
      copied++;
    }
    assertThat(copied).as("bin/, conf/ and lib/ copied").isEqualTo(3);
    Matcher cmd = Pattern.compile("(?m)^CMD \\[\"([^\"]+)\"").matcher(dockerfile);
    assertThat(cmd.find()).isTrue();
    Repo.assertImageScript("Dockerfile CMD", cmd.group(1));
    int grpcDefault = Integer.parseInt(CoordinatorConfig.GRPC_PORT.defaultValue());
    assertThat(dockerfile).containsPattern("(?m)^EXPOSE " + grpcDefault + " " + Repo.OPS_PORT + "$");
  }

  @Test
  void theCustomWorkerExampleExtendsTheImageAndRunsItsMainClassWithTheLauncher() {
    String dockerfile = Repo.read(Repo.ROOT.resolve("deploy/docker/custom-worker.Dockerfile"));
    assertThat(dockerfile).contains("ARG BASE_IMAGE=taskgrid:" + Repo.VERSION).contains("COPY target/billing-handlers-1.0.jar " + Repo.IMAGE_HOME + "/lib/");
    Matcher cmd = Pattern.compile("(?m)^CMD \\[\"([^\"]+)\", \"([^\"]+)\"]").matcher(dockerfile);
    assertThat(cmd.find()).isTrue();
    Repo.assertImageScript("custom worker CMD", cmd.group(1));
    assertThat(cmd.group(2)).isEqualTo(com.example.billing.BillingWorkerMain.class.getName());
  }
}
