package io.taskgrid.client;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A worker process, as it last reported itself to the cluster. Workers report every few seconds;
 * one that stops cleanly leaves the list at once, one that dies leaves it within 30 seconds.
 *
 * @param workerId its id ({@code TASKGRID_WORKER_ID} or generated)
 * @param host the host name it runs on
 * @param pid its process id
 * @param handlers the handlers it runs, sorted
 * @param concurrency how many executions it runs at once at most
 * @param running how many it ran when it last reported
 * @param started when it started
 * @param lastSeen when it last reported (by its own clock)
 * @param state whether it takes work or drains
 * @param version the Taskgrid version it runs
 */
public record WorkerInfo(
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

  public WorkerInfo {
    Objects.requireNonNull(workerId, "workerId");
    Objects.requireNonNull(host, "host");
    handlers = List.copyOf(handlers);
    Objects.requireNonNull(started, "started");
    Objects.requireNonNull(lastSeen, "lastSeen");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(version, "version");
  }

  /** Where a worker is in its life. */
  public enum State {
    /** It takes and runs executions. */
    RUNNING,
    /** It shuts down: takes no new executions and finishes (or hands back) those it runs. */
    DRAINING
  }
}
