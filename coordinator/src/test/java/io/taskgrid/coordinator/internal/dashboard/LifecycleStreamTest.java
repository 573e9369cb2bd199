package io.taskgrid.coordinator.internal.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.taskgrid.proto.v1.LifecycleEvent;
import io.taskgrid.proto.v1.LifecycleEventKind;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.WatchLifecycleRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server-sent event stream over a TaskService of the test's own (in process): events pass
 * through as JSON, the rpc is cancelled when the browser goes away, and a coordinator without
 * WatchLifecycle says so once instead of leaving the browser reconnecting.
 */
class LifecycleStreamTest {
  private final AtomicReference<ServerCallStreamObserver<LifecycleEvent>> watcher = new AtomicReference<>();
  private final AtomicReference<WatchLifecycleRequest> asked = new AtomicReference<>();
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private Server grpc;
  private ManagedChannel channel;
  private HttpServer http;

  @AfterEach
  void stop() {
    if (http != null) http.stop(0);
    if (channel != null) channel.shutdownNow();
    if (grpc != null) grpc.shutdownNow();
  }

  private int serve(TaskServiceGrpc.TaskServiceImplBase service) throws Exception {
    String name = "lifecycle-" + UUID.randomUUID();
    grpc = InProcessServerBuilder.forName(name).addService(service).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    LifecycleStream stream = new LifecycleStream(channel, Duration.ofMillis(100));
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    http.createContext("/ui/events", exchange -> {
      try (exchange) {
        stream.serve(exchange, WatchLifecycleRequest.newBuilder().setHandler("email.send").build());
      }
    });
    http.start();
    return http.getAddress().getPort();
  }

  private static Socket get(int port) throws Exception {
    Socket socket = new Socket("127.0.0.1", port);
    OutputStream out = socket.getOutputStream();
    out.write("GET /ui/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  private static String readUntil(BufferedReader in, String prefix) throws Exception {
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.startsWith(prefix)) return line;
    }
    throw new AssertionError("the stream ended before a line starting with " + prefix);
  }

  @Test
  void passesEventsThroughAsJsonAndCancelsTheRpcWhenTheBrowserGoes() throws Exception {
    int port = serve(new TaskServiceGrpc.TaskServiceImplBase() {
      @Override
      public void watchLifecycle(WatchLifecycleRequest request, StreamObserver<LifecycleEvent> observer) {
        ServerCallStreamObserver<LifecycleEvent> o = (ServerCallStreamObserver<LifecycleEvent>) observer;
        o.setOnCancelHandler(() -> cancelled.set(true));
        asked.set(request);
        watcher.set(o);
      }
    });
    try (Socket browser = get(port)) {
      browser.setSoTimeout(10_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(browser.getInputStream(), StandardCharsets.UTF_8));
      assertThat(readUntil(in, "HTTP/1.1")).contains("200");
      assertThat(readUntil(in, "Content-type").toLowerCase()).contains("text/event-stream");
      await().atMost(Duration.ofSeconds(5)).until(() -> watcher.get() != null);
      assertThat(asked.get().getHandler()).isEqualTo("email.send");

      watcher.get().onNext(LifecycleEvent.newBuilder().setEventId("ev-1").setKind(LifecycleEventKind.EXECUTION_QUEUED)
          .setExecutionId("e-1").setHandler("email.send").putLabels("team", "<ops>").build());

      assertThat(readUntil(in, "id: ")).isEqualTo("id: ev-1");
      assertThat(readUntil(in, "data: "))
          .startsWith("data: {")
          .contains("\"kind\":\"EXECUTION_QUEUED\"", "\"executionId\":\"e-1\"", "\"labels\":{\"team\":\"\\u003cops\\u003e\"}");
      assertThat(cancelled).isFalse();
    }
    // the page is closed: the next keepalive fails to reach it and the watch ends with it
    await().atMost(Duration.ofSeconds(10)).untilTrue(cancelled);
  }

  @Test
  void aCoordinatorWithoutWatchLifecycleSaysSoOnceAndEndsTheStream() throws Exception {
    int port = serve(new TaskServiceGrpc.TaskServiceImplBase() {});
    try (Socket browser = get(port)) {
      browser.setSoTimeout(10_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(browser.getInputStream(), StandardCharsets.UTF_8));
      assertThat(readUntil(in, "event: ")).isEqualTo("event: unavailable");
      assertThat(readUntil(in, "data: ")).isEqualTo("data: live updates are not available on this coordinator");
    }
  }
}
