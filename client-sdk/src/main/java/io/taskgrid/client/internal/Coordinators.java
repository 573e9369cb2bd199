package io.taskgrid.client.internal;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The channels to the coordinators a client knows, with the one in use. A call that finds its
 * coordinator unreachable moves on to the next.
 */
public final class Coordinators implements AutoCloseable {
  private final List<ManagedChannel> channels;
  private final AtomicInteger current = new AtomicInteger();

  public Coordinators(List<ManagedChannel> channels) {
    if (channels.isEmpty()) throw new IllegalArgumentException("at least one coordinator is required");
    this.channels = List.copyOf(channels);
  }

  public int size() {
    return channels.size();
  }

  /** The channel in use now. */
  public ManagedChannel current() {
    return channels.get(Math.floorMod(current.get(), channels.size()));
  }

  /** Moves to the next coordinator, unless another caller already moved away from {@code failed}. */
  public void failed(ManagedChannel failed) {
    int i = current.get();
    if (channels.get(Math.floorMod(i, channels.size())) == failed) current.compareAndSet(i, i + 1);
  }

  /** True when the channel has a live connection (a call sent on it may have reached the server). */
  public static boolean wasConnected(ManagedChannel channel) {
    return channel.getState(false) == ConnectivityState.READY;
  }

  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdown);
    for (ManagedChannel c : channels) {
      try {
        if (!c.awaitTermination(2, TimeUnit.SECONDS)) c.shutdownNow();
      } catch (InterruptedException e) {
        c.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }
}
