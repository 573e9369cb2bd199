package io.taskgrid.coordinator.internal.registry;

import io.taskgrid.core.UnavailableException;
import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.core.task.TaskId;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;

/**
 * {@link TaskLocks} with Redisson locks. The lease bounds how long a crashed holder blocks a task;
 * a change takes milliseconds (one Kafka write), far below it.
 */
public final class RedisTaskLocks implements TaskLocks {
  private static final long WAIT_SECONDS = 10;
  private static final long LEASE_SECONDS = 30;

  private final RedissonClient redisson;
  private final Keyspace keyspace;

  public RedisTaskLocks(RedissonClient redisson, Keyspace keyspace) {
    this.redisson = redisson;
    this.keyspace = keyspace;
  }

  @Override
  public <T> T withLock(TaskId id, Supplier<T> change) {
    RLock lock = redisson.getLock(keyspace.prefix() + "task-lock:" + id.value());
    boolean held;
    try {
      held = lock.tryLock(WAIT_SECONDS, LEASE_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while locking task " + id, e);
    } catch (RuntimeException e) {
      throw new UnavailableException("cannot lock task " + id + " in Redis: " + e.getMessage(), e);
    }
    if (!held) {
      throw new UnavailableException("task " + id + " is being changed by another call; try again", null);
    }
    try {
      return change.get();
    } finally {
      try {
        if (lock.isHeldByCurrentThread()) lock.unlock();
      } catch (RuntimeException e) {
        // the lease ends it anyway
      }
    }
  }
}
