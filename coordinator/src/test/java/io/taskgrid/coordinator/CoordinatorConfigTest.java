package io.taskgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.core.config.ConfigException;
import io.taskgrid.core.config.RedisEndpoint;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class CoordinatorConfigTest {
  private static CoordinatorConfig from(String variable, String value) {
    Map<String, String> env = new HashMap<>();
    env.put(variable, value);
    return CoordinatorConfig.fromEnvironment(env);
  }

  @Test
  void takesASentinelUrl() {
    CoordinatorConfig config = from("TASKGRID_REDIS_URL", "redis-sentinel://h1:26379,h2:26379,h3:26379/mymaster");
    assertThat(config.redisEndpoint()).isInstanceOf(RedisEndpoint.Sentinel.class);
    assertThat(((RedisEndpoint.Sentinel) config.redisEndpoint()).masterName()).isEqualTo("mymaster");
  }

  @ParameterizedTest(name = "[{index}] {0}={1}")
  @CsvSource(delimiter = '|', value = {
    "TASKGRID_GRPC_PORT               | 72x33        | TASKGRID_GRPC_PORT must be a whole number, got '72x33'",
    "TASKGRID_GRPC_PORT               | 70000        | TASKGRID_GRPC_PORT must be a port from 0 to 65535, got '70000'",
    "TASKGRID_KAFKA_BOOTSTRAP         | ' '          | TASKGRID_KAFKA_BOOTSTRAP must not be empty, got ' '",
    "TASKGRID_REDIS_URL               | redis-sentinel://h1:26379 | TASKGRID_REDIS_URL must name the Sentinel master after the addresses (redis-sentinel://host:26379,host:26379/mymaster), got 'redis-sentinel://h1:26379'",
    "TASKGRID_REDIS_URL               | http://h     | TASKGRID_REDIS_URL must start with redis://, rediss://, redis-sentinel:// or rediss-sentinel://, got 'http://h'",
    "TASKGRID_NAMESPACE               | a b          | TASKGRID_NAMESPACE must be 1 to 64 letters, digits or . _ -, got 'a b'",
    "TASKGRID_TASKS_TOPIC             | a/b          | TASKGRID_TASKS_TOPIC must be a Kafka topic name: 1 to 249 letters, digits or . _ -, got 'a/b'",
    "TASKGRID_TASKS_TOPIC_PARTITIONS  | 0            | TASKGRID_TASKS_TOPIC_PARTITIONS must be a positive whole number, got '0'",
    "TASKGRID_MAX_PAYLOAD_BYTES       | lots         | TASKGRID_MAX_PAYLOAD_BYTES must be a whole number, got 'lots'",
    "TASKGRID_DEFAULT_TIMEOUT         | 0s           | TASKGRID_DEFAULT_TIMEOUT must be positive, got '0s'",
    "TASKGRID_MAX_TIMEOUT             | 1m           | TASKGRID_MAX_TIMEOUT must be at least TASKGRID_DEFAULT_TIMEOUT (5m), got '1m'",
    "TASKGRID_EXECUTION_RETENTION     | 500ms        | TASKGRID_EXECUTION_RETENTION must be at least 1s, got '500ms'",
    "TASKGRID_IDEMPOTENCY_RETENTION   | forever      | TASKGRID_IDEMPOTENCY_RETENTION must be a duration such as 500ms, 30s, 5m, 2h or 1d, got 'forever'",
    "TASKGRID_REGISTRY_TOPIC          | ''           | TASKGRID_REGISTRY_TOPIC must be a Kafka topic name: 1 to 249 letters, digits or . _ -, got ''",
    "TASKGRID_DEFAULT_TIME_ZONE       | +05:00       | TASKGRID_DEFAULT_TIME_ZONE must be a time zone name such as Europe/London, UTC or Asia/Kolkata (not a fixed offset), got '+05:00'",
    "TASKGRID_MISFIRE_GRACE           | -1s          | TASKGRID_MISFIRE_GRACE must be a duration such as 500ms, 30s, 5m, 2h or 1d, got '-1s'",
    "TASKGRID_LEADER_LEASE            | 100ms        | TASKGRID_LEADER_LEASE must be at least 300ms, got '100ms'",
    "TASKGRID_FIRE_AHEAD              | 1m           | TASKGRID_FIRE_AHEAD must be between 0 and 10s, got '1m'",
  })
  void aBadValueIsReportedUnderItsVariableWithTheValue(String variable, String value, String message) {
    assertThatThrownBy(() -> from(variable, value))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(((ConfigException) e).variable()).isEqualTo(variable));
  }

  @Test
  void aBadValueSetInCodeIsReportedUnderItsVariableToo() {
    CoordinatorConfig config = CoordinatorConfig.defaults("127.0.0.1:9092", "redis://127.0.0.1:6379");
    assertThatThrownBy(() -> config.withGrpcPort(-1)).hasMessage("TASKGRID_GRPC_PORT must be a port from 0 to 65535, got '-1'");
    assertThatThrownBy(() -> config.withScheduling(config.scheduling().withMisfireGrace(Duration.ofSeconds(-5))))
        .hasMessage("TASKGRID_MISFIRE_GRACE must not be negative, got '-5s'");
  }

  @Test
  void logsTheRedisUrlWithoutItsPassword() {
    CoordinatorConfig config = from("TASKGRID_REDIS_URL", "redis-sentinel://app:hunter2@h1,h2/mymaster");
    assertThat(config.redisEndpoint().display()).isEqualTo("redis-sentinel://app:***@h1:26379,h2:26379/mymaster");
  }
}
