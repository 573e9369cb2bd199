package io.taskgrid.worker.internal;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.taskgrid.proto.v1.OutputLine;
import io.taskgrid.proto.v1.OutputStream;
import io.taskgrid.proto.v1.ReportOutputRequest;
import io.taskgrid.proto.v1.ResultServiceGrpc;
import io.taskgrid.worker.internal.process.OutputListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends output lines of running programs to a coordinator, which passes them to the executions'
 * watchers. Best effort and bounded: lines wait in a queue of fixed size (a full queue drops the
 * new line), go out in batches every {@link #FLUSH_EVERY} at most {@link #MAX_BATCH} at a time,
 * and a batch a coordinator does not take is dropped after one try of the next coordinator.
 * The result of the execution carries the output in any case.
 */
public final class OutputForwarder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutputForwarder.class);
  static final int QUEUE = 10_000;
  static final int MAX_BATCH = 2_000;
  static final Duration FLUSH_EVERY = Duration.ofMillis(200);
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(5);

  private final String workerId;
  private final List<ManagedChannel> channels;
  private final ArrayBlockingQueue<OutputLine> queue = new ArrayBlockingQueue<>(QUEUE);
  private final AtomicLong dropped = new AtomicLong();
  private final Thread thread;
  private volatile boolean closed;
  private int current;

  public OutputForwarder(String workerId, List<ManagedChannel> channels) {
    this.workerId = workerId;
    this.channels = channels;
    this.thread = Thread.ofPlatform().name("tg-worker-output").daemon().unstarted(this::loop);
  }

  public OutputForwarder start() {
    thread.start();
    return this;
  }

  /** A listener for one attempt's program, numbering its lines from 1. */
  public OutputListener listener(String executionId, int attempt) {
    AtomicLong sequence = new AtomicLong();
    return (stream, text) -> {
      OutputLine line = OutputLine.newBuilder().setExecutionId(executionId).setAttempt(attempt)
          .setStream(stream == OutputListener.Stream.STDOUT ? OutputStream.OUTPUT_STREAM_STDOUT : OutputStream.OUTPUT_STREAM_STDERR)
          .setText(text).setSequence(sequence.incrementAndGet()).build();
      if (closed || !queue.offer(line)) dropped.incrementAndGet();
    };
  }

  /** Lines dropped so far (queue full or coordinator unreachable). */
  public long dropped() {
    return dropped.get();
  }

  private void loop() {
    List<OutputLine> batch = new ArrayList<>(MAX_BATCH);
    while (!closed) {
      try {
        OutputLine first = queue.poll(FLUSH_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        if (first == null) continue;
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        send(batch);
        batch.clear();
        Thread.sleep(FLUSH_EVERY.toMillis()); // the rate bound: one batch per interval
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("Unexpected error sending output lines; dropping {}", batch.size(), e);
        dropped.addAndGet(batch.size());
        batch.clear();
      }
    }
  }

  private void send(List<OutputLine> batch) {
    ReportOutputRequest request = ReportOutputRequest.newBuilder().setWorkerId(workerId).addAllLines(batch).build();
    for (int tries = 0; tries < Math.min(2, channels.size()); tries++) {
      try {
        ResultServiceGrpc.newBlockingStub(channels.get(current)).withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
            .reportOutput(request);
        return;
      } catch (StatusRuntimeException e) {
        log.debug("Coordinator did not take {} output lines ({})", batch.size(), e.getStatus());
        current = (current + 1) % channels.size();
      }
    }
    dropped.addAndGet(batch.size());
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
