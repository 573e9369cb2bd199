package io.taskgrid.coordinator.internal.api;

import io.taskgrid.core.HandlerName;
import io.taskgrid.core.UnavailableException;
import io.taskgrid.core.breaker.SharedBreaker;
import io.taskgrid.core.breaker.SharedBreakers;
import io.taskgrid.proto.v1.CircuitBreaker;
import io.taskgrid.proto.v1.CircuitBreakerState;
import io.taskgrid.proto.v1.ListCircuitBreakersRequest;
import io.taskgrid.proto.v1.ListCircuitBreakersResponse;
import java.util.List;

/** ListCircuitBreakers: the breakers as the workers last reported them to the cluster. */
final class CircuitBreakersApi {
  private final SharedBreakers breakers;

  CircuitBreakersApi(SharedBreakers breakers) {
    this.breakers = breakers;
  }

  ListCircuitBreakersResponse list(ListCircuitBreakersRequest request) {
    String handler = request.getHandler().isEmpty() ? "" : new HandlerName(request.getHandler()).value();
    List<SharedBreaker> all;
    try {
      all = breakers.list();
    } catch (RuntimeException e) { // Redis down or failing over: the client may retry
      throw new UnavailableException("cannot read the circuit breakers from Redis: " + e.getMessage(), e);
    }
    ListCircuitBreakersResponse.Builder response = ListCircuitBreakersResponse.newBuilder();
    for (SharedBreaker b : all) {
      if (handler.isEmpty() || b.id().handler().equals(handler)) response.addCircuitBreakers(toProto(b));
    }
    return response.build();
  }

  static CircuitBreaker toProto(SharedBreaker b) {
    return CircuitBreaker.newBuilder()
        .setHandler(b.id().handler())
        .setKey(b.id().key())
        .setState(switch (b.last().state()) {
          case CLOSED -> CircuitBreakerState.CIRCUIT_BREAKER_STATE_CLOSED;
          case OPEN -> CircuitBreakerState.CIRCUIT_BREAKER_STATE_OPEN;
          case HALF_OPEN -> CircuitBreakerState.CIRCUIT_BREAKER_STATE_HALF_OPEN;
        })
        .setSince(ProtoMapping.toProto(b.last().at()))
        .setWorkerId(b.last().workerId())
        .setFailureRate(b.last().failureRate())
        .setSlowCallRate(b.last().slowCallRate())
        .setTimesOpened(b.timesOpened())
        .setNotPermittedCalls(b.notPermittedCalls())
        .build();
  }
}
