package io.taskgrid.worker.internal.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.proto.v1.ConcurrencyPolicy;
import io.taskgrid.proto.v1.ExecutionPolicy;
import io.taskgrid.proto.v1.OverlapPolicy;
import io.taskgrid.proto.v1.TaskMessage;
import io.taskgrid.worker.internal.Delivery;
import io.taskgrid.worker.internal.HandlerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GateTest {
  private static final Duration LEASE = Duration.ofSeconds(3);

  /** Permits that record which ones each renewal extended. */
  private static final class RenewedPermits extends AdmissionTest.FakePermits {
    final List<List<String>> renewals = new CopyOnWriteArrayList<>();

    @Override
    public Set<Permit> renew(Collection<Permit> permits, Duration lease) {
      renewals.add(permits.stream().map(Permit::executionId).sorted().toList());
      return Set.of();
    }
  }

  private final RenewedPermits permits = new RenewedPermits();
  private final List<Delivery> handedBack = new CopyOnWriteArrayList<>();
  private final Gate gate = new Gate(new Admission(permits, new AdmissionTest.FakeQueue(), (p, id) -> Duration.ZERO, (ids, reason) -> {},
      Clock.systemUTC(), LEASE), permits, new HandlerRegistry(Map.of()), handedBack::add, (d, forRate) -> {}, LEASE);

  @AfterEach
  void close() {
    gate.close();
  }

  private static Delivery limited(String id) {
    TaskMessage m = TaskMessage.newBuilder().setExecutionId(id).setHandler("h").setPolicy(ExecutionPolicy.newBuilder()
        .setConcurrency(ConcurrencyPolicy.newBuilder().setKey("k").setLimit(5).setOverlap(OverlapPolicy.OVERLAP_POLICY_SKIP))).build();
    return new Delivery(new TopicPartition("t", 0), 0, m);
  }

  @Test
  void aPermitIsRenewedFromItsAdmissionNotOnlyOnceItsExecutionIsClaimed() {
    Delivery admitted = limited("e1");
    assertThat(gate.holds(admitted)).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> handedBack.contains(admitted));

    // admitted, waiting for a handler slot and its claim: a busy worker may take longer than a lease
    gate.renew();
    assertThat(permits.renewals).containsExactly(List.of("e1"));

    assertThat(gate.claimed(admitted)).isInstanceOf(Decision.Admit.class);
    gate.renew();
    assertThat(permits.renewals.getLast()).containsExactly("e1");

    gate.ended("e1");
    gate.renew();
    assertThat(permits.renewals).hasSize(2); // nothing held: no call
    assertThat(permits.holders("k")).isEmpty();
  }
}
