package io.taskgrid.wire.lifecycle;

import io.taskgrid.proto.v1.LifecycleEvent;

/**
 * Where a process hands the lifecycle events it emits. {@link #emit} never blocks and never
 * throws: the events are for observers, and the task path must not wait for them.
 */
public interface LifecycleSink {
  /** Emission switched off ({@code TASKGRID_LIFECYCLE_TOPIC=off}): events are dropped at once. */
  LifecycleSink OFF = event -> {};

  /** Hands {@code event} over for sending; drops it (counting the drop) when it cannot take more. */
  void emit(LifecycleEvent event);
}
