package io.taskgrid.coordinator.internal.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallPlacementTest {
  static final String SERVICE = "test.Placed";
  static final MethodDescriptor<String, String> WHERE = unary("Where");
  static final MethodDescriptor<String, String> FAST = unary("Fast");
  static final MethodDescriptor<String, String> THROWS = unary("Throws");
  static final MethodDescriptor<String, String> JOIN = MethodDescriptor.<String, String>newBuilder()
      .setType(MethodDescriptor.MethodType.CLIENT_STREAMING).setFullMethodName(SERVICE + "/Join")
      .setRequestMarshaller(Text.INSTANCE).setResponseMarshaller(Text.INSTANCE).build();

  final ExecutorService executor = Executors.newCachedThreadPool(Thread.ofPlatform().name("placed-", 0).daemon().factory());
  Server server;
  ManagedChannel channel;

  @AfterEach
  void stop() {
    if (channel != null) channel.shutdownNow();
    if (server != null) server.shutdownNow();
    executor.shutdownNow();
  }

  ManagedChannel serve(Set<String> inline) throws IOException {
    ServerCalls.UnaryMethod<String, String> where = (req, out) -> {
      out.onNext(Thread.currentThread().getName());
      out.onCompleted();
    };
    ServerCalls.UnaryMethod<String, String> fails = (req, out) -> {
      throw new IllegalStateException("a bug");
    };
    ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
        .addMethod(WHERE, ServerCalls.asyncUnaryCall(where))
        .addMethod(FAST, ServerCalls.asyncUnaryCall(where))
        .addMethod(THROWS, ServerCalls.asyncUnaryCall(fails))
        .addMethod(JOIN, ServerCalls.asyncClientStreamingCall(CallPlacementTest::join))
        .build();
    String name = "placed-" + UUID.randomUUID();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(CallPlacement.place(service, inline, executor)).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    return channel;
  }

  /** Joins the messages in the order the handler saw them, and says whether all ran on one executor thread at a time. */
  static StreamObserver<String> join(StreamObserver<String> out) {
    return new StreamObserver<>() {
      final List<String> seen = new ArrayList<>();
      final AtomicInteger inside = new AtomicInteger();
      boolean overlapped;
      boolean offExecutor;

      @Override
      public void onNext(String value) {
        if (inside.incrementAndGet() != 1) overlapped = true;
        if (!Thread.currentThread().getName().startsWith("placed-")) offExecutor = true;
        seen.add(value);
        inside.decrementAndGet();
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        out.onNext(String.join(",", seen) + (overlapped ? " overlapped" : "") + (offExecutor ? " off the executor" : ""));
        out.onCompleted();
      }
    };
  }

  @Test
  void aMethodNotNamedRunsOnTheExecutorAndANamedOneWhereTheCallArrived() throws Exception {
    ManagedChannel ch = serve(Set.of(FAST.getFullMethodName()));
    assertThat(ClientCalls.blockingUnaryCall(ch, WHERE, CallOptions.DEFAULT, "x")).startsWith("placed-");
    assertThat(ClientCalls.blockingUnaryCall(ch, FAST, CallOptions.DEFAULT, "x")).isEqualTo(Thread.currentThread().getName());
  }

  @Test
  void theCallbacksOfOneCallRunInOrderOneAtATime() throws Exception {
    ManagedChannel ch = serve(Set.of());
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) sent.add(Integer.toString(i));
    var answer = new java.util.concurrent.CompletableFuture<String>();
    StreamObserver<String> in = ClientCalls.asyncClientStreamingCall(ch.newCall(JOIN, CallOptions.DEFAULT), new StreamObserver<>() {
      @Override
      public void onNext(String value) {
        answer.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        answer.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    });
    sent.forEach(in::onNext);
    in.onCompleted();
    assertThat(answer.get(30, TimeUnit.SECONDS)).isEqualTo(String.join(",", sent));
  }

  @Test
  void aHandlerThatThrowsEndsItsCallInsteadOfLeavingItOpen() throws Exception {
    ManagedChannel ch = serve(Set.of());
    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(ch, THROWS, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), "x"))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN));
    // the next call is served as usual
    assertThat(ClientCalls.blockingUnaryCall(ch, WHERE, CallOptions.DEFAULT, "x")).startsWith("placed-");
  }

  @Test
  void aCallArrivingWhileTheExecutorStopsIsUnavailable() throws Exception {
    ManagedChannel ch = serve(Set.of());
    executor.shutdown();
    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(ch, WHERE, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), "x"))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void theSerialExecutorRunsTasksFromManyThreadsOneAtATimeInEachThreadsOrder() throws Exception {
    var serial = new CallPlacement.SerialExecutor(executor);
    int producers = 4;
    int each = 5_000;
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    int[] last = new int[producers];
    java.util.Arrays.fill(last, -1);
    AtomicInteger outOfOrder = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(producers * each);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int producer = p;
      threads.add(Thread.ofPlatform().start(() -> {
        for (int i = 0; i < each; i++) {
          int n = i;
          serial.execute(() -> {
            if (inside.incrementAndGet() != 1) overlaps.incrementAndGet();
            if (last[producer] != n - 1) outOfOrder.incrementAndGet();
            last[producer] = n;
            inside.decrementAndGet();
            done.countDown();
          });
        }
      }));
    }
    for (Thread t : threads) t.join();
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(overlaps.get()).isZero();
    assertThat(outOfOrder.get()).isZero();
  }

  private static MethodDescriptor<String, String> unary(String name) {
    return MethodDescriptor.<String, String>newBuilder().setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(SERVICE + "/" + name)
        .setRequestMarshaller(Text.INSTANCE).setResponseMarshaller(Text.INSTANCE).build();
  }

  private enum Text implements MethodDescriptor.Marshaller<String> {
    INSTANCE;

    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
