package io.taskgrid.worker.internal;

import io.taskgrid.core.ExecutionStatus;
import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.core.task.DependencyCheck;
import io.taskgrid.core.task.TaskId;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The latest execution of a registered task, read from the execution store: the newest entry of
 * the task's history index ({@link Keyspace#historyOfTask}, scored by submission time) and its
 * status and end time from its record.
 */
public final class RedisDependencies implements PreconditionCheck.Dependencies {
  private final RedissonClient redisson;
  private final Keyspace keys;

  public RedisDependencies(RedissonClient redisson, Keyspace keys) {
    this.redisson = redisson;
    this.keys = keys;
  }

  @Override
  public Optional<DependencyCheck.Latest> latest(TaskId task) {
    Collection<String> newest = redisson.<String>getScoredSortedSet(keys.historyOfTask(task.value()), StringCodec.INSTANCE)
        .valueRangeReversed(0, 0);
    if (newest.isEmpty()) return Optional.empty();
    String id = newest.iterator().next();
    Map<String, String> record = redisson.<String, String>getMap(keys.execution(id), StringCodec.INSTANCE)
        .getAll(Set.of(Keyspace.Fields.STATUS, Keyspace.Fields.FINISHED_AT_MS));
    String status = record.get(Keyspace.Fields.STATUS);
    if (status == null) return Optional.empty(); // the record expired before its index entry
    String finished = record.get(Keyspace.Fields.FINISHED_AT_MS);
    return Optional.of(new DependencyCheck.Latest(id, ExecutionStatus.valueOf(status),
        finished == null || finished.isEmpty() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(Long.parseLong(finished)))));
  }
}
