package io.taskgrid.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClaimResultTest {
  @Test
  void readsEveryReplyOfTheClaimScript() {
    assertThat(ClaimResult.parse("OK:2")).isEqualTo(new ClaimResult.Claimed(2));
    assertThat(ClaimResult.parse("MINE:w-1")).isEqualTo(new ClaimResult.AlreadyMine());
    assertThat(ClaimResult.parse("DONE:SUCCEEDED")).isEqualTo(new ClaimResult.Finished("SUCCEEDED"));
    assertThat(ClaimResult.parse("HELD:w-2")).isEqualTo(new ClaimResult.HeldBy("w-2"));
    assertThat(ClaimResult.parse("WAIT:w-2")).isEqualTo(new ClaimResult.PreviousAttemptUnrecorded("w-2"));
  }
}
