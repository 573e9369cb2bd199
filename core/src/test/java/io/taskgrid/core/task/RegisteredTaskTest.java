package io.taskgrid.core.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.core.SubmissionLimits;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RegisteredTaskTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private static TaskDefinition cron(String expression) {
    return new TaskDraft("report", null, null, "reports.run", null, expression, null, null, null, null, null, null, null, null, null, null,
        null, null, null).validate(SubmissionLimits.DEFAULTS, ZoneOffset.UTC);
  }

  private static TaskDefinition after(String delay) {
    return new TaskDraft("once", null, null, "h", null, null, delay, null, null, null, null, null, null, null, null, null, null, null, null)
        .validate(SubmissionLimits.DEFAULTS, ZoneOffset.UTC);
  }

  @Test
  void aNewTaskSchedulesFromItsCreation() {
    RegisteredTask t = RegisteredTask.create(cron("* * * * *"), T0);
    assertThat(t.scheduleFrom()).isEqualTo(T0);
    assertThat(t.revision()).isEqualTo(1);
    assertThat(t.state(Optional.empty())).isEqualTo(TaskState.ACTIVE);
  }

  @Test
  void resumingSchedulesFromTheResumeSoFiresMissedWhilePausedAreDropped() {
    RegisteredTask paused = RegisteredTask.create(cron("* * * * *"), T0).pause(T0.plusSeconds(60));
    assertThat(paused.state(Optional.empty())).isEqualTo(TaskState.PAUSED);
    assertThat(paused.isScheduled()).isFalse();
    RegisteredTask resumed = paused.resume(T0.plusSeconds(3600));
    assertThat(resumed.scheduleFrom()).isEqualTo(T0.plusSeconds(3600));
    assertThat(resumed.revision()).isEqualTo(3);
    assertThat(resumed.isScheduled()).isTrue();
  }

  @Test
  void pausingTwiceOrResumingARunningTaskChangesNothing() {
    RegisteredTask t = RegisteredTask.create(cron("* * * * *"), T0);
    assertThat(t.resume(T0.plusSeconds(5))).isSameAs(t);
    RegisteredTask p = t.pause(T0.plusSeconds(5));
    assertThat(p.pause(T0.plusSeconds(9))).isSameAs(p);
  }

  @Test
  void aChangedTriggerSchedulesFromTheUpdateButAnUnchangedOneContinues() {
    RegisteredTask t = RegisteredTask.create(cron("* * * * *"), T0);
    assertThat(t.update(cron("*/5 * * * *"), T0.plusSeconds(30)).scheduleFrom()).isEqualTo(T0.plusSeconds(30));
    TaskDefinition sameTrigger = cron("* * * * *").withEnabled(true);
    assertThat(t.update(sameTrigger, T0.plusSeconds(30)).scheduleFrom()).isEqualTo(T0);
  }

  @Test
  void progressOfAnEarlierTaskWithTheSameIdIsIgnored() {
    RegisteredTask t = RegisteredTask.create(cron("* * * * *"), T0);
    FireProgress old = new FireProgress(T0.minusSeconds(999), T0.plusSeconds(120), "x", false);
    assertThat(t.firedThrough(Optional.of(old))).isEqualTo(T0);
    FireProgress mine = new FireProgress(T0, T0.plusSeconds(120), "x", false);
    assertThat(t.firedThrough(Optional.of(mine))).isEqualTo(T0.plusSeconds(120));
  }

  @Test
  void aOneOffThatFiredIsCompleted() {
    RegisteredTask t = RegisteredTask.create(after("5m"), T0);
    assertThat(t.schedule(ZoneOffset.UTC).orElseThrow().next(T0)).contains(T0.plusSeconds(300));
    assertThat(t.state(Optional.of(new FireProgress(T0, T0.plusSeconds(300), "x", true)))).isEqualTo(TaskState.COMPLETED);
  }

  @Test
  void aDisabledTaskNeverFiresByItself() {
    RegisteredTask t = RegisteredTask.create(cron("* * * * *").withEnabled(false), T0);
    assertThat(t.isScheduled()).isFalse();
    assertThat(t.state(Optional.empty())).isEqualTo(TaskState.DISABLED);
  }
}
