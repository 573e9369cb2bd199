package io.taskgrid.client.internal;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Deadline;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.taskgrid.client.TaskgridException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unary calls with one deadline over all their attempts, retried on UNAVAILABLE when the caller
 * says the call is safe to repeat. The channel balances over the coordinators and skips those it
 * found down, so a retry goes to another coordinator when there is one.
 */
public final class Calls {
  private static final Logger log = LoggerFactory.getLogger(Calls.class);
  private static final int MAX_ATTEMPTS = 6;

  private final Channel channel;
  private final ScheduledExecutorService scheduler;
  private final Backoff backoff;
  private final BooleanSupplier closed;

  /**
   * @param channel where calls go
   * @param scheduler runs delayed retries
   * @param backoff the pause before each retry
   * @param closed true once the client is closed: no further attempt is made
   */
  public Calls(Channel channel, ScheduledExecutorService scheduler, Backoff backoff, BooleanSupplier closed) {
    this.channel = channel;
    this.scheduler = scheduler;
    this.backoff = backoff;
    this.closed = closed;
  }

  /**
   * Calls {@code method}; the future fails only with a {@link TaskgridException}.
   *
   * @param idempotent true when sending the request twice cannot do anything twice; only then is
   *     an UNAVAILABLE answer retried
   */
  public <Q, R> CompletableFuture<R> unary(MethodDescriptor<Q, R> method, Q request, Duration deadline, boolean idempotent) {
    CompletableFuture<R> result = new CompletableFuture<>();
    attempt(method, request, Deadline.after(deadline.toNanos(), TimeUnit.NANOSECONDS), idempotent, 0, result);
    return result;
  }

  /**
   * Calls {@code method} and waits for its answer, as {@link #unary} does.
   *
   * @throws TaskgridException for every failure
   */
  public <Q, R> R call(MethodDescriptor<Q, R> method, Q request, Duration deadline, boolean idempotent) {
    try {
      return unary(method, request, deadline, idempotent).join();
    } catch (RuntimeException e) {
      throw Errors.map(e);
    }
  }

  private <Q, R> void attempt(MethodDescriptor<Q, R> method, Q request, Deadline deadline, boolean idempotent, int attempt, CompletableFuture<R> result) {
    if (closed.getAsBoolean()) {
      result.completeExceptionally(new TaskgridException("client closed"));
      return;
    }
    StreamObserver<R> observer = new StreamObserver<>() {
      private R value;

      @Override
      public void onNext(R v) {
        value = v;
      }

      @Override
      public void onError(Throwable t) {
        Status status = Status.fromThrowable(t);
        // a certificate that is not trusted now will not be in a moment: no retry of a TLS failure
        if (idempotent && status.getCode() == Status.Code.UNAVAILABLE && Errors.tlsFailure(status) == null && attempt + 1 < MAX_ATTEMPTS) {
          long delay = backoff.delayMillis(attempt, ThreadLocalRandom.current().nextDouble());
          if (deadline.timeRemaining(TimeUnit.MILLISECONDS) > delay) {
            log.debug("{} unavailable ({}), retry {} in {} ms", method.getBareMethodName(), status.getDescription(), attempt + 1, delay);
            try {
              scheduler.schedule(() -> attempt(method, request, deadline, true, attempt + 1, result), delay, TimeUnit.MILLISECONDS);
              return;
            } catch (RejectedExecutionException closing) {
              result.completeExceptionally(new TaskgridException("client closed"));
              return;
            }
          }
        }
        result.completeExceptionally(Errors.map(status, t));
      }

      @Override
      public void onCompleted() {
        result.complete(value);
      }
    };
    try {
      ClientCalls.asyncUnaryCall(channel.newCall(method, CallOptions.DEFAULT.withDeadline(deadline)), request, observer);
    } catch (RuntimeException e) { // the channel was shut down under us
      result.completeExceptionally(Errors.map(e));
    }
  }
}
