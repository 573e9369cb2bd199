package io.taskgrid.coordinator.internal.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.taskgrid.core.breaker.BreakerId;
import io.taskgrid.core.breaker.BreakerState;
import io.taskgrid.core.breaker.BreakerTransition;
import io.taskgrid.core.breaker.SharedBreaker;
import io.taskgrid.proto.v1.CircuitBreaker;
import io.taskgrid.proto.v1.CircuitBreakerState;
import io.taskgrid.proto.v1.ListCircuitBreakersRequest;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ListCircuitBreakersTest {
  private static final Instant AT = Instant.parse("2026-12-01T11:00:00.250Z");
  private final InProcessTaskService service = new InProcessTaskService();

  @AfterEach
  void close() {
    service.close();
  }

  private void breaker(String handler, String key, BreakerState state, long opened, long denied) {
    service.breakers.set(new SharedBreaker(new BreakerTransition(new BreakerId(handler, key), state, AT, "w-1", 75f, -1f), opened, denied));
  }

  @Test
  void listsEveryBreakerOrderedByHandlerThenKeyWithItsState() {
    breaker("mail.send", "", BreakerState.OPEN, 2, 40);
    breaker("billing/charge", "tenant-b", BreakerState.HALF_OPEN, 1, 3);
    breaker("billing/charge", "tenant-a", BreakerState.CLOSED, 1, 0);

    var listed = service.tasks().listCircuitBreakers(ListCircuitBreakersRequest.getDefaultInstance()).getCircuitBreakersList();

    assertThat(listed).extracting(CircuitBreaker::getHandler, CircuitBreaker::getKey, CircuitBreaker::getState).containsExactly(
        org.assertj.core.groups.Tuple.tuple("billing/charge", "tenant-a", CircuitBreakerState.CIRCUIT_BREAKER_STATE_CLOSED),
        org.assertj.core.groups.Tuple.tuple("billing/charge", "tenant-b", CircuitBreakerState.CIRCUIT_BREAKER_STATE_HALF_OPEN),
        org.assertj.core.groups.Tuple.tuple("mail.send", "", CircuitBreakerState.CIRCUIT_BREAKER_STATE_OPEN));
    CircuitBreaker mail = listed.get(2);
    assertThat(mail.getSince().getSeconds()).isEqualTo(AT.getEpochSecond());
    assertThat(mail.getSince().getNanos()).isEqualTo(250_000_000);
    assertThat(mail.getWorkerId()).isEqualTo("w-1");
    assertThat(mail.getFailureRate()).isEqualTo(75f);
    assertThat(mail.getSlowCallRate()).isEqualTo(-1f);
    assertThat(mail.getTimesOpened()).isEqualTo(2);
    assertThat(mail.getNotPermittedCalls()).isEqualTo(40);
  }

  @Test
  void filtersByHandler() {
    breaker("mail.send", "", BreakerState.OPEN, 1, 0);
    breaker("billing/charge", "tenant-a", BreakerState.OPEN, 1, 0);

    var listed = service.tasks().listCircuitBreakers(ListCircuitBreakersRequest.newBuilder().setHandler("mail.send").build());

    assertThat(listed.getCircuitBreakersList()).extracting(CircuitBreaker::getHandler).containsExactly("mail.send");
  }

  @Test
  void rejectsAHandlerFilterThatIsNoHandlerNameNamingTheField() {
    assertThatThrownBy(() -> service.tasks().listCircuitBreakers(ListCircuitBreakersRequest.newBuilder().setHandler("bad name!").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).startsWith("handler");
        });
  }

  @Test
  void answersUnavailableWhenTheBreakersCannotBeRead() {
    service.breakers.failure = new IllegalStateException("Redis: connection refused");

    assertThatThrownBy(() -> service.tasks().listCircuitBreakers(ListCircuitBreakersRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }
}
