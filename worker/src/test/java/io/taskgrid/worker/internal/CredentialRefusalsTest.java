package io.taskgrid.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

class CredentialRefusalsTest {
  private final CredentialRefusals refusals = new CredentialRefusals();

  @Test
  void aStreakOfRefusalsIsLoggedOnceWithWhatToFix() {
    String first = refusals.refused("c1:7233", Status.UNAUTHENTICATED.withDescription("unknown API key"));
    assertThat(first).contains("c1:7233", "UNAUTHENTICATED: unknown API key", "TASKGRID_TOKEN", "kept and sent again");
    assertThat(refusals.refused("c2:7233", Status.UNAUTHENTICATED.withDescription("unknown API key"))).isNull();
    assertThat(refusals.refused("c1:7233", Status.UNAUTHENTICATED)).isNull();
  }

  @Test
  void aRefusalOfAnotherKindStartsANewStreak() {
    refusals.refused("c1:7233", Status.UNAUTHENTICATED);
    assertThat(refusals.refused("c1:7233", Status.PERMISSION_DENIED.withDescription("role viewer may not report outcomes")))
        .contains("PERMISSION_DENIED", "role worker");
  }

  @Test
  void anAcceptedCallEndsTheStreakAndSaysSoOnce() {
    assertThat(refusals.accepted("c1:7233")).isNull();
    refusals.refused("c1:7233", Status.UNAUTHENTICATED);
    assertThat(refusals.accepted("c2:7233")).contains("c2:7233", "again");
    assertThat(refusals.accepted("c2:7233")).isNull();
    assertThat(refusals.refused("c1:7233", Status.UNAUTHENTICATED)).isNotNull();
  }

  @Test
  void onlyUnauthenticatedAndPermissionDeniedAreRefusals() {
    assertThat(CredentialRefusals.isRefusal(Status.Code.UNAUTHENTICATED)).isTrue();
    assertThat(CredentialRefusals.isRefusal(Status.Code.PERMISSION_DENIED)).isTrue();
    assertThat(CredentialRefusals.isRefusal(Status.Code.UNAVAILABLE)).isFalse();
  }
}
