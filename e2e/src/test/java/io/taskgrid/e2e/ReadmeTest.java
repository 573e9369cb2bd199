package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.coordinator.CoordinatorConfig;
import io.taskgrid.core.config.Setting;
import io.taskgrid.telemetry.ClientCalls;
import io.taskgrid.telemetry.CoordinatorMeters;
import io.taskgrid.telemetry.MetricSpec;
import io.taskgrid.telemetry.WorkerMeters;
import io.taskgrid.worker.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration tables and test command agree with the code and CI. */
class ReadmeTest {
  private static final Path ROOT = Path.of("..");

  @Test
  void documentsEveryCoordinatorAndWorkerSettingWithItsDefault() throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"));
    for (Setting<?> s : CoordinatorConfig.SETTINGS) assertThat(readme).contains(s.markdownRow());
    for (Setting<?> s : WorkerConfig.SETTINGS) assertThat(readme).contains(s.markdownRow());
  }

  @Test
  void documentsEveryMetricWithItsTypeLabelsAndUnit() throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"));
    for (MetricSpec m : WorkerMeters.SPECS) assertThat(readme).contains(m.markdownRow());
    for (MetricSpec m : CoordinatorMeters.SPECS) assertThat(readme).contains(m.markdownRow());
    assertThat(readme).contains(ClientCalls.REDIS.markdownRow(), ClientCalls.KAFKA.markdownRow());
  }

  @Test
  void ciRunsTheTestCommandTheReadmeGives() throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"));
    String ci = Files.readString(ROOT.resolve(".ci/run"));
    assertThat(readme).contains("```bash\n./mvnw verify\n```");
    assertThat(ci).containsPattern("(?m)^\\./mvnw verify$");
  }
}
