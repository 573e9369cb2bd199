package io.taskgrid.worker.internal;

/** What trying to claim an execution found. */
public sealed interface ClaimResult {
  /** This worker now owns the execution; run attempt {@code attempt}. */
  record Claimed(int attempt) implements ClaimResult {}

  /** This worker already owns it (a redelivery of something it is running). */
  record AlreadyMine() implements ClaimResult {}

  /** It already reached {@code status}: do not run it again. */
  record Finished(String status) implements ClaimResult {}

  /** Another live worker runs it; try again later (it may die). */
  record HeldBy(String workerId) implements ClaimResult {}

  /**
   * The message is for a later attempt than the one {@code workerId} still holds: that attempt's
   * outcome, which schedules this one, is not recorded yet. Check again soon.
   */
  record PreviousAttemptUnrecorded(String workerId) implements ClaimResult {}

  static ClaimResult parse(String reply) {
    int colon = reply.indexOf(':');
    String kind = reply.substring(0, colon);
    String value = reply.substring(colon + 1);
    return switch (kind) {
      case "OK" -> new Claimed(Integer.parseInt(value));
      case "MINE" -> new AlreadyMine();
      case "DONE" -> new Finished(value);
      case "HELD" -> new HeldBy(value);
      case "WAIT" -> new PreviousAttemptUnrecorded(value);
      default -> throw new IllegalStateException("unexpected claim reply " + reply);
    };
  }
}
