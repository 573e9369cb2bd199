package io.taskgrid.worker.internal.side;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.core.task.SideTask;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SideSlotTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final Duration LEASE = Duration.ofSeconds(9);
  private final SideSlot slot = new SideSlot(new SideTask(Duration.ofSeconds(1), Duration.ofSeconds(8), 2.0), LEASE, T0);

  @Test
  void aLeaseRenewedInTimeIsNotAtRisk() {
    assertThat(slot.leaseAtRisk(T0.plusMillis(5_999))).isFalse();
    slot.renewed(T0.plusSeconds(3));
    assertThat(slot.leaseAtRisk(T0.plusMillis(8_999))).isFalse();
  }

  @Test
  void aLeaseNotRenewedForTwoThirdsOfItIsAtRiskWhileAThirdIsLeft() {
    assertThat(slot.leaseAtRisk(T0.plusSeconds(6))).isTrue();
    slot.renewed(T0.plusSeconds(3));
    assertThat(slot.leaseAtRisk(T0.plusSeconds(9))).isTrue();
  }

  @Test
  void aFailedHandlerRestartsAfterABackoffThatGrows() {
    assertThat(slot.failed(T0.plusSeconds(2))).isEqualTo(Duration.ofSeconds(1));
    assertThat(slot.restartDue(T0.plusMillis(2_999))).isFalse();
    assertThat(slot.restartDue(T0.plusSeconds(3))).isTrue();
    slot.restarted(T0.plusSeconds(3));
    assertThat(slot.phase()).isEqualTo(SideSlot.Phase.RUNNING);
    assertThat(slot.failed(T0.plusSeconds(4))).isEqualTo(Duration.ofSeconds(2));
    slot.restarted(T0.plusSeconds(6));
    assertThat(slot.failed(T0.plusSeconds(7))).isEqualTo(Duration.ofSeconds(4));
    slot.restarted(T0.plusSeconds(11));
    assertThat(slot.failed(T0.plusSeconds(12))).isEqualTo(Duration.ofSeconds(8));
    slot.restarted(T0.plusSeconds(20));
    assertThat(slot.failed(T0.plusSeconds(21))).isEqualTo(Duration.ofSeconds(8));
    assertThat(slot.failures()).isEqualTo(5);
  }

  @Test
  void aHealthyRunResetsTheBackoff() {
    slot.failed(T0.plusSeconds(1));
    slot.restarted(T0.plusSeconds(2));
    slot.failed(T0.plusSeconds(3));
    slot.restarted(T0.plusSeconds(5));
    assertThat(slot.failed(T0.plusSeconds(13))).isEqualTo(Duration.ofSeconds(1));
    assertThat(slot.failures()).isEqualTo(1);
  }

  @Test
  void aStoppingSlotIsNeverDueForRestart() {
    slot.failed(T0.plusSeconds(1));
    slot.stopping();
    assertThat(slot.restartDue(T0.plusSeconds(60))).isFalse();
  }
}
