package io.taskgrid.client.internal;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.Subscription;
import io.taskgrid.proto.v1.ExecutionUpdate;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.WatchExecutionRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code WatchExecution} stream delivering every status change of one execution to a
 * listener, reopened after a backoff when it breaks before the terminal state. The server sends
 * the current state whenever a stream opens, so a reopened watch reports what changed meanwhile;
 * a status already delivered is not delivered again.
 */
public final class ExecutionWatch implements Subscription {
  private static final Logger log = LoggerFactory.getLogger(ExecutionWatch.class);

  private final Channel channel;
  private final ScheduledExecutorService scheduler;
  private final Backoff backoff;
  private final WatchExecutionRequest request;
  private final Consumer<ExecutionInfo> listener;
  private final Consumer<io.taskgrid.client.OutputLine> output;
  private final CompletableFuture<ExecutionInfo> completion = new CompletableFuture<>();

  // Guarded by this.
  private ClientCall<WatchExecutionRequest, ExecutionUpdate> call;
  private ExecutionStatus last;
  private int failures;
  private boolean answered;

  /**
   * @param onEnd runs once when the watch ends, however it ends
   */
  public ExecutionWatch(Channel channel, ScheduledExecutorService scheduler, Backoff backoff, String executionId,
      Consumer<ExecutionInfo> listener, Runnable onEnd) {
    this(channel, scheduler, backoff, executionId, listener, line -> {}, onEnd);
  }

  /**
   * @param output receives the output lines of the execution's running program
   * @param onEnd runs once when the watch ends, however it ends
   */
  public ExecutionWatch(Channel channel, ScheduledExecutorService scheduler, Backoff backoff, String executionId,
      Consumer<ExecutionInfo> listener, Consumer<io.taskgrid.client.OutputLine> output, Runnable onEnd) {
    this.output = output;
    this.channel = channel;
    this.scheduler = scheduler;
    this.backoff = backoff;
    this.request = WatchExecutionRequest.newBuilder().setExecutionId(executionId).build();
    this.listener = listener;
    completion.whenComplete((info, error) -> onEnd.run());
  }

  @Override
  public CompletableFuture<ExecutionInfo> completion() {
    return completion;
  }

  /** Opens the stream (again). */
  public synchronized void open() {
    if (completion.isDone()) return;
    answered = false;
    ClientCall<WatchExecutionRequest, ExecutionUpdate> c =
        channel.newCall(TaskServiceGrpc.getWatchExecutionMethod(), CallOptions.DEFAULT.withWaitForReady());
    call = c;
    ClientCalls.asyncServerStreamingCall(c, request, new StreamObserver<>() {
      @Override
      public void onNext(ExecutionUpdate update) {
        deliver(c, update);
      }

      @Override
      public void onError(Throwable t) {
        ended(c, Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        ended(c, Status.UNAVAILABLE.withDescription("the coordinator ended the watch before a terminal state"));
      }
    });
  }

  private void deliver(ClientCall<?, ?> from, ExecutionUpdate update) {
    ExecutionInfo info;
    synchronized (this) {
      if (from != call || completion.isDone()) return;
      answered = true;
      if (update.getNotFound()) {
        from.cancel("not found", null);
        completion.completeExceptionally(Errors.map(Status.NOT_FOUND.withDescription(
            "execution_id: no execution \"" + request.getExecutionId() + "\" is known"), null));
        return;
      }
      if (update.getOutputCount() > 0) {
        for (io.taskgrid.proto.v1.OutputLine l : update.getOutputList()) {
          try {
            output.accept(new io.taskgrid.client.OutputLine(l.getExecutionId(), l.getAttempt(),
                l.getStream() == io.taskgrid.proto.v1.OutputStream.OUTPUT_STREAM_STDERR ? io.taskgrid.client.OutputLine.Stream.STDERR
                    : io.taskgrid.client.OutputLine.Stream.STDOUT, l.getText(), l.getSequence()));
          } catch (RuntimeException e) {
            log.warn("Output listener of execution {} threw", request.getExecutionId(), e);
          }
        }
        return;
      }
      info = Convert.fromProto(update.getExecution());
      if (info.status() == last) return;
      last = info.status();
      // The listener runs under the lock so that close() returning means no further delivery.
      try {
        listener.accept(info);
      } catch (RuntimeException e) {
        log.warn("Watch listener of execution {} threw", request.getExecutionId(), e);
      }
      if (info.status().isTerminal()) {
        call = null;
      }
    }
    if (info.status().isTerminal()) completion.complete(info);
  }

  private void ended(ClientCall<?, ?> from, Status status) {
    long delay;
    synchronized (this) {
      if (from != call || completion.isDone()) return;
      call = null;
      if (status.getCode() == Status.Code.NOT_FOUND || Errors.isPermanentStreamFailure(status)) {
        completion.completeExceptionally(Errors.map(status, status.asRuntimeException()));
        return;
      }
      if (answered) failures = 0;
      delay = backoff.delayMillis(failures++, ThreadLocalRandom.current().nextDouble());
    }
    log.debug("Watch of {} broke ({}); reopening in {} ms", request.getExecutionId(), status, delay);
    try {
      scheduler.schedule(this::open, delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      completion.completeExceptionally(new io.taskgrid.client.TaskgridException("client closed"));
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (call != null) call.cancel("watch closed", null);
      call = null;
      completion.cancel(false);
    }
  }
}
