package io.taskgrid.core.task;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the single instance of a side task stands, as its worker last recorded it.
 *
 * @param running whether a worker holds its lease now
 * @param worker the worker that runs it, or ran it last
 * @param since when the current instance started on that worker
 * @param restarts restarts after an error (a takeover by another worker is not one)
 * @param lastError the handler's last error, {@code <type>: <message>}; empty when none
 * @param lastErrorAt when that error happened
 */
public record SideTaskStatus(boolean running, String worker, Optional<Instant> since, long restarts, String lastError,
    Optional<Instant> lastErrorAt) {
  public SideTaskStatus {
    Objects.requireNonNull(worker, "worker");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(lastError, "lastError");
    Objects.requireNonNull(lastErrorAt, "lastErrorAt");
  }
}
