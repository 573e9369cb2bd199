package io.taskgrid.coordinator.internal.api;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the calls of each method run. The coordinator's gRPC server is built with a direct
 * executor, so a call starts on the transport thread that read it; {@link #place} moves the calls
 * of every method but a few named ones onto an executor, each call's callbacks in order, as gRPC's
 * default executor would. The named ones run on the transport thread from start to response.
 *
 * <p>Why: handing a call to an executor thread costs a thread wake-up or two per call. For a read
 * answered from memory, {@code GetExecution} of a finished execution, that was two thirds of the
 * coordinator's CPU per call (170 µs per call with the hand-off, 58 µs without, in the deployed
 * benchmark). A method may run on the transport thread only if nothing it does can block: not its
 * handler, not an interceptor around it (the access check of a restricted identity reads Redis, so
 * with authentication on, nothing runs there); its slow path must complete asynchronously (a cache
 * miss of {@code GetExecution} answers from Redisson's callback).
 */
public final class CallPlacement {
  private static final Logger log = LoggerFactory.getLogger(CallPlacement.class);

  private CallPlacement() {}

  /**
   * {@code service} with the calls of each method not in {@code inline} (full method names) run on
   * {@code executor}. Place it outermost, around every interceptor, so interceptors run where the
   * method does.
   */
  public static ServerServiceDefinition place(ServerServiceDefinition service, Set<String> inline, Executor executor) {
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(service.getServiceDescriptor());
    for (ServerMethodDefinition<?, ?> m : service.getMethods()) b.addMethod(placed(m, inline, executor));
    return b.build();
  }

  private static <Q, R> ServerMethodDefinition<Q, R> placed(ServerMethodDefinition<Q, R> method, Set<String> inline, Executor executor) {
    if (inline.contains(method.getMethodDescriptor().getFullMethodName())) return method;
    ServerCallHandler<Q, R> next = method.getServerCallHandler();
    return method.withServerCallHandler((call, headers) -> {
      Relay<Q, R> relay = new Relay<>(call, Context.current(), new SerialExecutor(executor));
      relay.run(() -> relay.listener = next.startCall(call, headers));
      return relay;
    });
  }

  /**
   * Hands each callback of one call to its serial executor, in the call's context. A callback that
   * throws closes the call (as gRPC does for its own executor); one that throws in {@code startCall}
   * leaves the call closed and later callbacks ignored.
   */
  private static final class Relay<Q, R> extends ServerCall.Listener<Q> {
    private final ServerCall<Q, R> call;
    private final Context context;
    private final Executor serial;
    /** Written and read only on the serial executor: startCall runs before any callback. */
    private ServerCall.Listener<Q> listener = new ServerCall.Listener<>() {};

    Relay(ServerCall<Q, R> call, Context context, Executor serial) {
      this.call = call;
      this.context = context;
      this.serial = serial;
    }

    void run(Runnable callback) {
      try {
        serial.execute(() -> {
          Context previous = context.attach();
          try {
            callback.run();
          } catch (Throwable t) {
            fail(t);
          } finally {
            context.detach(previous);
          }
        });
      } catch (RejectedExecutionException e) {
        // the coordinator is stopping: its executor takes no more work
        close(Status.UNAVAILABLE.withDescription("the coordinator is stopping"));
      }
    }

    private void fail(Throwable t) {
      log.warn("A call of {} failed outside its error handling", call.getMethodDescriptor().getFullMethodName(), t);
      listener = new ServerCall.Listener<>() {};
      close(Status.UNKNOWN.withDescription("Application error processing RPC").withCause(t));
    }

    private void close(Status status) {
      try {
        call.close(status, new Metadata());
      } catch (IllegalStateException alreadyClosed) {
        // closed by the handler before it threw
      }
    }

    @Override
    public void onMessage(Q message) {
      run(() -> listener.onMessage(message));
    }

    @Override
    public void onHalfClose() {
      run(() -> listener.onHalfClose());
    }

    @Override
    public void onCancel() {
      run(() -> listener.onCancel());
    }

    @Override
    public void onComplete() {
      run(() -> listener.onComplete());
    }

    @Override
    public void onReady() {
      run(() -> listener.onReady());
    }
  }

  /** Runs what it is given one at a time, in order, on a shared executor. */
  static final class SerialExecutor implements Executor {
    private final Executor executor;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    SerialExecutor(Executor executor) {
      this.executor = executor;
    }

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
      schedule();
    }

    private void schedule() {
      if (!scheduled.compareAndSet(false, true)) return;
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        scheduled.set(false);
        tasks.clear();
        throw e;
      }
    }

    private void drain() {
      try {
        for (Runnable r; (r = tasks.poll()) != null; ) r.run();
      } finally {
        scheduled.set(false);
      }
      // added after the last poll and before the flag was cleared: its execute saw the flag set
      if (!tasks.isEmpty()) schedule();
    }
  }
}
