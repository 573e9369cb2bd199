package io.taskgrid.telemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;

/**
 * Times calls of one operation to Redis or Kafka into a client-operation-duration histogram, with
 * its attributes bound once: recording costs a subtraction and a histogram update.
 */
public final class CallTimer {
  private final DoubleHistogram histogram;
  private final Attributes ok;
  private final Attributes failed;

  CallTimer(DoubleHistogram histogram, Attributes ok) {
    this.histogram = histogram;
    this.ok = ok;
    this.failed = ok.toBuilder().put("error.type", "failed").build();
  }

  /** A call started at {@code startNanos} ({@link System#nanoTime()}) succeeded now. */
  public void succeeded(long startNanos) {
    histogram.record((System.nanoTime() - startNanos) / 1e9, ok);
  }

  /** A call started at {@code startNanos} failed now. */
  public void failed(long startNanos) {
    histogram.record((System.nanoTime() - startNanos) / 1e9, failed);
  }

  /** Records the call as {@link #succeeded} or {@link #failed} by {@code error}. */
  public void ended(long startNanos, Throwable error) {
    if (error == null) succeeded(startNanos); else failed(startNanos);
  }
}
