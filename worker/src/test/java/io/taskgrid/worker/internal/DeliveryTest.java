package io.taskgrid.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.proto.v1.ExecutionPolicy;
import io.taskgrid.proto.v1.RetryPolicy;
import io.taskgrid.proto.v1.TaskMessage;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class DeliveryTest {
  private static final HandlerRegistry HANDLERS = new HandlerRegistry(Map.of());

  private static Delivery delivery(ExecutionPolicy policy) {
    return new Delivery(new TopicPartition("t", 0), 0,
        TaskMessage.newBuilder().setExecutionId("e1").setHandler("h").setPolicy(policy).build());
  }

  @Test
  void readsItsPolicyOnceHoweverManyPartsOfTheWorkerAsk() {
    Delivery d = delivery(ExecutionPolicy.newBuilder().setCircuitBreakerKey("tenant-a").build());

    ResolvedPolicy first = d.policy(HANDLERS);

    assertThat(first).isInstanceOfSatisfying(ResolvedPolicy.Valid.class,
        v -> assertThat(v.policy().breakerKey()).contains("tenant-a"));
    assertThat(d.policy(HANDLERS)).isSameAs(first);
  }

  @Test
  void anUnreadablePolicyIsInvalidNamingTheField() {
    Delivery d = delivery(ExecutionPolicy.newBuilder().setRetry(RetryPolicy.newBuilder().setMaxAttempts(1000)).build());

    assertThat(d.policy(HANDLERS)).isInstanceOfSatisfying(ResolvedPolicy.Invalid.class,
        i -> assertThat(i.reason()).contains("policy.retry.max_attempts"));
    assertThat(d.policy(HANDLERS)).isSameAs(d.policy(HANDLERS));
  }
}
