package io.taskgrid.coordinator.internal.api;

import io.taskgrid.core.worker.WorkerDirectory;
import io.taskgrid.core.worker.WorkerPresence;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

/** Workers' reports kept in memory, without expiry: for tests of the API. */
final class InMemoryWorkers implements WorkerDirectory {
  private final ConcurrentSkipListMap<String, WorkerPresence> reports = new ConcurrentSkipListMap<>();
  /** When set, listing throws it (the store cannot be reached). */
  volatile RuntimeException failure;

  @Override
  public void report(WorkerPresence presence) {
    reports.put(presence.workerId(), presence);
  }

  @Override
  public void remove(String workerId) {
    reports.remove(workerId);
  }

  @Override
  public List<WorkerPresence> list() {
    if (failure != null) throw failure;
    return List.copyOf(reports.values());
  }
}
