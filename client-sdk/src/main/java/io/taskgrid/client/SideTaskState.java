package io.taskgrid.client;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the single instance of a side task stands, as its worker last recorded it ({@link
 * TaskInfo#sideState()}).
 *
 * @param running whether a worker runs it now (holds its lease)
 * @param worker the id of the worker that runs it, or ran it last
 * @param since when the current instance started on that worker
 * @param restarts restarts after an error since the task was registered; a takeover by another
 *     worker (after a crash or a shutdown) is not counted
 * @param lastError the handler's last error, {@code <type>: <message>}; empty when none
 * @param lastErrorAt when that error happened
 */
public record SideTaskState(boolean running, String worker, Optional<Instant> since, long restarts, Optional<String> lastError,
    Optional<Instant> lastErrorAt) {
  /** Rejects nulls: absent values are empty {@code Optional}s. */
  public SideTaskState {
    Objects.requireNonNull(worker, "worker");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(lastError, "lastError");
    Objects.requireNonNull(lastErrorAt, "lastErrorAt");
  }
}
