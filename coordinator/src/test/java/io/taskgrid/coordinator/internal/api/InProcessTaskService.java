package io.taskgrid.coordinator.internal.api;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.taskgrid.coordinator.internal.queue.EventPublisher;
import io.taskgrid.coordinator.internal.queue.TaskQueue;
import io.taskgrid.coordinator.internal.registry.InMemoryRegistryLog;
import io.taskgrid.coordinator.internal.registry.RegistryView;
import io.taskgrid.coordinator.internal.registry.TaskLocks;
import io.taskgrid.coordinator.internal.registry.TaskRegistry;
import io.taskgrid.coordinator.internal.watch.WatchHub;
import io.taskgrid.core.SubmissionLimits;
import io.taskgrid.core.task.TaskId;
import io.taskgrid.proto.v1.ResultServiceGrpc;
import io.taskgrid.proto.v1.TaskMessage;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The real {@link TaskServiceImpl} and {@link ResultServiceImpl} behind the real {@link GrpcErrors}
 * interceptor, wired as a coordinator wires them, on an in-process gRPC server, over in-memory collaborators that count every write:
 * the public API as a client sees it, without Kafka or Redis.
 */
final class InProcessTaskService implements AutoCloseable {
  /** The cluster's circuit breakers, as tests set them. */
  final InMemoryBreakers breakers = new InMemoryBreakers();
  /** The workers' reports, as tests set them. */
  final InMemoryWorkers workers = new InMemoryWorkers();
  static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  static final ZoneId DEFAULT_ZONE = ZoneOffset.UTC;

  final RecordingExecutionStore store = new RecordingExecutionStore();
  final InMemoryRegistryLog registryLog;
  private final AtomicInteger enqueued = new AtomicInteger();
  private final AtomicInteger published = new AtomicInteger();
  private final WatchHub hub;
  private final Server server;
  private final ManagedChannel channel;

  InProcessTaskService() {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    RegistryView view = new RegistryView();
    registryLog = new InMemoryRegistryLog(view, DEFAULT_ZONE);
    TaskLocks locks = new TaskLocks() {
      @Override
      public synchronized <T> T withLock(TaskId id, Supplier<T> change) {
        return change.get();
      }
    };
    TaskRegistry registry = new TaskRegistry(registryLog, view, locks, clock);
    TaskQueue queue = new TaskQueue() {
      @Override
      public CompletionStage<Void> enqueue(List<TaskMessage> messages) {
        enqueued.addAndGet(messages.size());
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public void close() {}
    };
    EventPublisher events = (topic, name, data, contentType) ->
        CompletableFuture.completedFuture(topic + "-0@" + (published.getAndIncrement()));
    hub = new WatchHub(store, Duration.ofMinutes(10));
    GrpcErrors errors = new GrpcErrors();
    String name = "taskgrid-test-" + UUID.randomUUID();
    try {
      server = InProcessServerBuilder.forName(name).directExecutor()
          .addService(errors.guard(
              new TaskServiceImpl(store, queue, events, hub, SubmissionLimits.DEFAULTS, clock,
                  new io.taskgrid.telemetry.CoordinatorMeters(io.taskgrid.telemetry.Metrics.noop().meter()), registry, DEFAULT_ZONE, "taskgrid.events",
                  io.opentelemetry.api.OpenTelemetry.noop(), breakers, workers)))
          .addService(errors.guard(new ResultServiceImpl(store, new io.taskgrid.coordinator.internal.retry.RetryLog() {
            @Override
            public java.util.concurrent.CompletionStage<java.util.List<io.taskgrid.proto.v1.TaskMessage>> schedule(
                java.util.List<io.taskgrid.proto.v1.TaskMessage> retries) {
              return java.util.concurrent.CompletableFuture.completedFuture(java.util.List.of());
            }

            @Override
            public void close() {}
          }, io.opentelemetry.api.OpenTelemetry.noop())))
          .build()
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  TaskServiceGrpc.TaskServiceBlockingStub tasks() {
    return TaskServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  TaskServiceGrpc.TaskServiceStub tasksAsync() {
    return TaskServiceGrpc.newStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  /** Requests and responses as the bytes they are, for calls of bytes that are not a valid request. */
  static final io.grpc.MethodDescriptor.Marshaller<byte[]> BYTES = new io.grpc.MethodDescriptor.Marshaller<>() {
    @Override
    public java.io.InputStream stream(byte[] value) {
      return new java.io.ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(java.io.InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  /** {@code method} with its messages as bytes ({@link #BYTES}). */
  static io.grpc.MethodDescriptor<byte[], byte[]> asBytes(io.grpc.MethodDescriptor<?, ?> method) {
    return io.grpc.MethodDescriptor.<byte[], byte[]>newBuilder().setType(method.getType()).setFullMethodName(method.getFullMethodName())
        .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
  }

  /** The channel itself, for calls the generated stubs cannot make (bytes that are not a valid request). */
  io.grpc.Channel channel() {
    return channel;
  }

  ResultServiceGrpc.ResultServiceBlockingStub results() {
    return ResultServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  /** Executions the watch hub watches now. */
  int hubWatched() {
    return hub.watchedCount();
  }

  /** Every write so far: executions recorded or removed, outcomes, task messages, events, registry writes. */
  int writes() {
    return store.writes() + enqueued.get() + published.get() + registryLog.writes();
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
    hub.close();
  }
}
