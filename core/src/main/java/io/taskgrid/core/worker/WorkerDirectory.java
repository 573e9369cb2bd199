package io.taskgrid.core.worker;

import java.util.List;

/**
 * Where workers report themselves and operators list them. A report lasts {@link #TTL}: a worker
 * that stops reporting (killed, or cut off from the store) drops out of the list after it.
 */
public interface WorkerDirectory {
  /** How long a report lasts; workers report several times within it. */
  java.time.Duration TTL = java.time.Duration.ofSeconds(30);

  /** Records (or refreshes) a worker's report for {@link #TTL}. */
  void report(WorkerPresence presence);

  /** Removes a worker's report at once (it stopped cleanly). */
  void remove(String workerId);

  /** Every report that has not expired, ordered by worker id. */
  List<WorkerPresence> list();
}
