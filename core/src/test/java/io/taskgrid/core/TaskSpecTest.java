package io.taskgrid.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskSpecTest {
  private static final SubmissionLimits LIMITS = SubmissionLimits.DEFAULTS.withMaxPayloadBytes(10);

  private static TaskSpec spec(String handler, byte[] data, Duration timeout) {
    return TaskSpec.validate(handler, new Payload(data, null), timeout, null, Map.of(), null, LIMITS);
  }

  @Test
  void acceptsAWellFormedRequestAndAppliesTheDefaultTimeout() {
    TaskSpec s = spec("email.send", new byte[3], null);
    assertThat(s.timeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.priority()).isEqualTo(Priority.MEDIUM);
    assertThat(s.payload().contentType()).isEqualTo(Payload.OCTET_STREAM);
  }

  @Test
  void rejectsAnEmptyHandlerNamingTheField() {
    assertThatThrownBy(() -> spec("", new byte[0], null))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("handler: must not be empty");
  }

  @Test
  void rejectsAMalformedHandlerQuotingTheValue() {
    assertThatThrownBy(() -> spec("bad name!", new byte[0], null))
        .hasMessageStartingWith("handler:")
        .hasMessageContaining("\"bad name!\"");
  }

  @Test
  void rejectsANegativeTimeout() {
    assertThatThrownBy(() -> spec("a", new byte[0], Duration.ofSeconds(-5)))
        .hasMessage("timeout: must not be negative, got -5s");
  }

  @Test
  void rejectsATimeoutOverTheMaximum() {
    assertThatThrownBy(() -> spec("a", new byte[0], Duration.ofDays(2)))
        .hasMessage("timeout: must be at most 1d, got 2d");
  }

  @Test
  void rejectsAPayloadOverTheLimit() {
    assertThatThrownBy(() -> spec("a", new byte[11], null))
        .hasMessage("payload: is 11 bytes, over the limit of 10 bytes");
  }

  @Test
  void rejectsABadContentType() {
    assertThatThrownBy(() -> new Payload(new byte[0], "not a type"))
        .hasMessageStartingWith("payload.content_type:");
  }

  @Test
  void rejectsBadLabelsAndIdempotencyKeys() {
    assertThatThrownBy(() -> TaskSpec.validate("a", null, null, null, Map.of("bad key", "v"), null, LIMITS))
        .hasMessageStartingWith("labels:");
    assertThatThrownBy(() -> TaskSpec.validate("a", null, null, null, Map.of(), "has space", LIMITS))
        .hasMessageStartingWith("idempotency_key:");
  }

  @Test
  void reportsFieldsOfBatchElementsUnderTheirIndex() {
    var e = new InvalidArgumentException("handler", "must not be empty").under("tasks[3]");
    assertThat(e.field()).isEqualTo("tasks[3].handler");
    assertThat(e.getMessage()).isEqualTo("tasks[3].handler: must not be empty");
  }
}
