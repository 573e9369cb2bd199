package io.taskgrid.coordinator.internal.registry;

import io.taskgrid.core.task.FireProgress;
import io.taskgrid.core.task.RegisteredTask;
import io.taskgrid.core.task.TaskId;
import io.taskgrid.proto.v1.TaskRecord;
import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The registry log in memory, for fast tests: a write reaches the view at once, through the same
 * encoding the registry topic uses (so a task that would not read back fails loudly here), and
 * every write is counted.
 */
public final class InMemoryRegistryLog implements RegistryLog {
  private final RegistryView view;
  private final ZoneId defaultZone;
  private final AtomicInteger writes = new AtomicInteger();

  public InMemoryRegistryLog(RegistryView view, ZoneId defaultZone) {
    this.view = view;
    this.defaultZone = defaultZone;
  }

  @Override
  public void awaitSync(Duration timeout) {
    // writes are applied when made: the view is always in sync
  }

  @Override
  public void write(RegisteredTask task) {
    writes.incrementAndGet();
    try {
      view.put(RegistryCodec.fromRecord(TaskRecord.parseFrom(RegistryCodec.toRecord(task).toByteArray()), defaultZone));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError("a task record did not read back: " + task, e);
    }
  }

  @Override
  public CompletableFuture<Void> recordRun(TaskId id, FireProgress run) {
    writes.incrementAndGet();
    view.putRun(id, RegistryCodec.fromRecord(RegistryCodec.toRecord(run)));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void delete(TaskId id) {
    writes.incrementAndGet();
    view.removeRun(id);
    view.removeProgress(id);
    view.remove(id);
  }

  /** How many writes and deletes were made. */
  public int writes() {
    return writes.get();
  }
}
