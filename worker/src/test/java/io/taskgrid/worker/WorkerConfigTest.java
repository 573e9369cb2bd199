package io.taskgrid.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.core.Priority;
import io.taskgrid.core.config.ConfigException;
import io.taskgrid.core.config.RedisEndpoint;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkerConfigTest {
  private static WorkerConfig from(String variable, String value) {
    Map<String, String> env = new HashMap<>();
    env.put(variable, value);
    return WorkerConfig.fromEnvironment(env);
  }

  @Test
  void takesASentinelUrlOverTls() {
    RedisEndpoint endpoint = from("TASKGRID_REDIS_URL", "rediss-sentinel://h1:26379,h2:26379/mymaster").redisEndpoint();
    assertThat(endpoint).isInstanceOf(RedisEndpoint.Sentinel.class);
    assertThat(endpoint.tls()).isTrue();
  }

  @ParameterizedTest(name = "[{index}] {0}={1}")
  @CsvSource(delimiter = '|', value = {
    "TASKGRID_COORDINATORS        | ''             | TASKGRID_COORDINATORS must be one or more host:port addresses separated by commas, got ''",
    "TASKGRID_COORDINATORS        | a:1,b          | TASKGRID_COORDINATORS must be one or more host:port addresses separated by commas, got 'a:1,b'",
    "TASKGRID_REDIS_URL           | redis://:@h    | TASKGRID_REDIS_URL must not have an empty password (leave out user:password@ for none), got 'redis://:***@h'",
    "TASKGRID_WORKER_GROUP        | ' '            | TASKGRID_WORKER_GROUP must not be empty, got ' '",
    "TASKGRID_WORKER_CONCURRENCY  | -4             | TASKGRID_WORKER_CONCURRENCY must be a positive whole number, got '-4'",
    "TASKGRID_CLAIM_LEASE         | 500ms          | TASKGRID_CLAIM_LEASE must be at least 1s, got '500ms'",
    "TASKGRID_SESSION_TIMEOUT     | 10             | TASKGRID_SESSION_TIMEOUT must be a duration such as 500ms, 30s, 5m, 2h or 1d, got '10'",
    "TASKGRID_MAX_RESULT_BYTES    | 1MiB           | TASKGRID_MAX_RESULT_BYTES must be a whole number, got '1MiB'",
    "TASKGRID_PROCESS_ENABLED     | yes            | TASKGRID_PROCESS_ENABLED must be true or false, got 'yes'",
    "TASKGRID_PROCESS_PROGRAMS    | echo,../bin/sh | TASKGRID_PROCESS_PROGRAMS must hold program names, absolute paths or directories ending in /, without .., got '../bin/sh'",
    "TASKGRID_PROCESS_ROOTS       | data           | TASKGRID_PROCESS_ROOTS must hold absolute directories, got 'data'",
    "TASKGRID_PROCESS_INHERITED_ENV | PATH,A-B     | TASKGRID_PROCESS_INHERITED_ENV must hold environment variable names, got 'A-B'",
    "TASKGRID_PROCESS_KILL_GRACE  | soon           | TASKGRID_PROCESS_KILL_GRACE must be a duration such as 500ms, 30s, 5m, 2h or 1d, got 'soon'",
  })
  void aBadValueIsReportedUnderItsVariableWithTheValue(String variable, String value, String message) {
    assertThatThrownBy(() -> from(variable, value))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(((ConfigException) e).variable()).isEqualTo(variable));
  }

  @Test
  void theProcessHandlerIsOffByDefault() {
    WorkerConfig config = WorkerConfig.defaults("127.0.0.1:9092", "redis://127.0.0.1:6379", "127.0.0.1:7233");
    assertThat(config.process().enabled()).isFalse();
    assertThat(config.withProcess(ProcessConfig.allowing("date")).process().programs()).containsExactly("date");
    assertThatThrownBy(() -> from("TASKGRID_PROCESS_ENABLED", "true"))
        .hasMessage("TASKGRID_PROCESS_PROGRAMS must name at least one program when TASKGRID_PROCESS_ENABLED is true, got ''");
  }

  @Test
  void consumesATopicPerPriorityNamedAfterTheTasksTopicWithRoomForTheirSuffixes() {
    assertThat(from("TASKGRID_TASKS_TOPIC", "jobs").taskTopics().forPriority(Priority.HIGH)).isEqualTo("jobs.high");
    assertThatThrownBy(() -> from("TASKGRID_TASKS_TOPIC", "t".repeat(239)))
        .hasMessageStartingWith("TASKGRID_TASKS_TOPIC must be at most 238 characters: the priority topics add a suffix");
  }

  @Test
  void aBadValueSetInCodeIsReportedUnderItsVariableToo() {
    WorkerConfig config = WorkerConfig.defaults("127.0.0.1:9092", "redis://127.0.0.1:6379", "127.0.0.1:7233");
    assertThatThrownBy(() -> config.withClaimLease(Duration.ofMillis(500)))
        .hasMessage("TASKGRID_CLAIM_LEASE must be at least 1s, got '500ms'");
    assertThatThrownBy(() -> config.withConcurrency(0)).hasMessage("TASKGRID_WORKER_CONCURRENCY must be positive, got '0'");
  }
}
