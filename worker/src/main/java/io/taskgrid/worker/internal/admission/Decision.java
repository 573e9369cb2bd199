package io.taskgrid.worker.internal.admission;

import java.time.Duration;

/** What admission decided for one delivery at one step. */
public sealed interface Decision {
  /** Run it; {@code permit} is the concurrency permit it holds, or null when it needs none. */
  record Admit(Permits.Permit permit) implements Decision {}

  /** Do not run it: it ends SKIPPED with {@code reason} (an {@code Outcome.Skipped} constant). */
  record Skip(String reason) implements Decision {}

  /** Do not run it: a newer execution of its key replaced it; it ends CANCELLED with {@code reason}. */
  record Cancel(String reason) implements Decision {}

  /** Its policy cannot be applied: it ends FAILED, {@code Outcome.Failed.INVALID_POLICY}. */
  record Invalid(String message) implements Decision {}

  /** Not yet: ask again after {@code recheck}, holding no worker slot meanwhile. */
  record Wait(Duration recheck) implements Decision {}
}
