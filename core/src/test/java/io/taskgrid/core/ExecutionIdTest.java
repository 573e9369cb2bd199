package io.taskgrid.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.InstantSource;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ExecutionIdTest {
  @Test
  void generatesVersion7IdsCarryingTheClocksMillis() {
    Instant t = Instant.parse("2026-11-22T10:00:00Z");
    ExecutionId id = ExecutionId.generate(InstantSource.fixed(t));
    UUID uuid = UUID.fromString(id.value());
    assertThat(uuid.version()).isEqualTo(7);
    assertThat(uuid.getMostSignificantBits() >>> 16).isEqualTo(t.toEpochMilli());
  }

  @Test
  void rejectsMalformedIdsNamingTheField() {
    assertThatThrownBy(() -> ExecutionId.parse("execution_id", "nope"))
        .hasMessage("execution_id: must be a UUID, got \"nope\"");
    assertThatThrownBy(() -> ExecutionId.parse("execution_id", ""))
        .hasMessage("execution_id: must not be empty");
  }
}
