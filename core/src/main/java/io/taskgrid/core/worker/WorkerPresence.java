package io.taskgrid.core.worker;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A worker process as it reports itself to the cluster every few seconds, for operators
 * (ListWorkers): who it is, what it runs and whether it still takes work.
 *
 * @param workerId its id
 * @param host the host name it runs on
 * @param pid its process id
 * @param handlers the handlers it runs, sorted
 * @param concurrency how many executions it runs at once at most
 * @param running how many it runs now
 * @param started when it started
 * @param lastSeen when it reported this (by its own clock)
 * @param state whether it takes work or drains
 * @param version the Taskgrid version it runs
 */
public record WorkerPresence(
    String workerId,
    String host,
    long pid,
    List<String> handlers,
    int concurrency,
    int running,
    Instant started,
    Instant lastSeen,
    State state,
    String version) {

  public WorkerPresence {
    Objects.requireNonNull(workerId, "workerId");
    Objects.requireNonNull(host, "host");
    handlers = handlers.stream().sorted().toList();
    Objects.requireNonNull(started, "started");
    Objects.requireNonNull(lastSeen, "lastSeen");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(version, "version");
    if (workerId.isEmpty()) throw new IllegalArgumentException("workerId must not be empty");
  }

  /** Where a worker is in its life, as the cluster sees it. */
  public enum State {
    /** Takes and runs executions. */
    RUNNING,
    /** Shutting down: takes none, finishes (or hands back) those it runs. */
    DRAINING
  }

  /** The same report at {@code now}, with {@code running} and {@code state}. */
  public WorkerPresence at(Instant now, int running, State state) {
    return new WorkerPresence(workerId, host, pid, handlers, concurrency, running, started, now, state, version);
  }
}
