package io.taskgrid.wire.lifecycle;

import com.google.protobuf.Timestamp;
import io.taskgrid.proto.v1.ExecutionStatus;
import io.taskgrid.proto.v1.LifecycleEvent;
import io.taskgrid.proto.v1.LifecycleEventKind;
import io.taskgrid.proto.v1.TaskMessage;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds lifecycle events for one emitting process ({@code source}: its coordinator or worker id),
 * stamping each with a fresh id and the time of {@code clock}, and hands them to a {@link
 * LifecycleSink}. Emitting is cheap: one small message per event, no I/O on the caller's thread.
 */
public final class LifecycleEvents {
  /** Emits nothing. */
  public static final LifecycleEvents OFF = new LifecycleEvents(LifecycleSink.OFF, "", Clock.systemUTC());

  private final LifecycleSink sink;
  private final String source;
  private final Clock clock;

  public LifecycleEvents(LifecycleSink sink, String source, Clock clock) {
    this.sink = sink;
    this.source = source;
    this.clock = clock;
  }

  /** Whether events go anywhere; callers may skip building an event when not. */
  public boolean isOn() {
    return sink != LifecycleSink.OFF;
  }

  /** A task event: {@code kind} happened to registered task {@code taskId}. */
  public void task(LifecycleEventKind kind, String taskId) {
    if (!isOn()) return;
    sink.emit(base(kind).setTaskId(taskId).build());
  }

  /**
   * An execution event about the execution {@code message} carries (its id, handler, task, labels
   * and attempt), now with {@code status}.
   */
  public void execution(LifecycleEventKind kind, TaskMessage message, ExecutionStatus status, String workerId, String reason) {
    execution(kind, message, message.getAttempt(), status, workerId, reason);
  }

  /** As above, about attempt {@code attempt} (when it is not the message's: a claim may start a later one). */
  public void execution(LifecycleEventKind kind, TaskMessage message, int attempt, ExecutionStatus status, String workerId, String reason) {
    if (!isOn()) return;
    LifecycleEvent.Builder b = base(kind);
    // queued as of its enqueue time, which precedes any start: a consumer orders an execution's
    // events, emitted by different processes, by time (then kind) whatever the order they arrive in
    // (a retry's message keeps its first enqueue time: it is queued as of now, its release)
    if (kind == LifecycleEventKind.EXECUTION_QUEUED && message.getAttempt() <= 1 && message.hasEnqueuedAt()) b.setTime(message.getEnqueuedAt());
    sink.emit(b.setExecutionId(message.getExecutionId()).setHandler(message.getHandler()).setTaskId(message.getTaskId())
        .setAttempt(Math.max(1, attempt)).setStatus(status).setWorkerId(workerId).setReason(reason)
        .putAllLabels(message.getLabelsMap()).build());
  }

  /** An execution event from what is known without its message (a reported outcome, a cancel). */
  public void execution(LifecycleEventKind kind, String executionId, String handler, String taskId, int attempt, ExecutionStatus status,
      String workerId, String reason) {
    if (!isOn()) return;
    sink.emit(base(kind).setExecutionId(executionId).setHandler(handler).setTaskId(taskId).setAttempt(Math.max(1, attempt))
        .setStatus(status).setWorkerId(workerId).setReason(reason).build());
  }

  /**
   * Emits an event built elsewhere, with this process's id, time and source set over what it has
   * ({@code stamp}), or as it is.
   */
  public void emit(LifecycleEvent event, boolean stamp) {
    if (!isOn()) return;
    if (stamp) {
      LifecycleEvent.Builder b = base(event.getKind());
      event = event.toBuilder().setEventId(b.getEventId()).setTime(b.getTime()).setSource(source).build();
    }
    sink.emit(event);
  }

  private LifecycleEvent.Builder base(LifecycleEventKind kind) {
    Instant now = clock.instant();
    return LifecycleEvent.newBuilder()
        .setEventId(eventId())
        .setTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
        .setKind(kind)
        .setSource(source);
  }

  /**
   * A random (version 4) UUID from the thread's own generator: an event id needs uniqueness, not
   * unpredictability, and {@link UUID#randomUUID()} shares one SecureRandom between all threads.
   */
  static String eventId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
