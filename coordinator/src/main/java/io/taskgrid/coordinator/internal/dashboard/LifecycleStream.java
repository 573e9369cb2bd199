package io.taskgrid.coordinator.internal.dashboard;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.taskgrid.proto.v1.LifecycleEvent;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.WatchLifecycleRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Server-sent events fed by one WatchLifecycle call per browser: each lifecycle event as a {@code
 * data:} line of its JSON. A comment line every few seconds finds out when the browser has gone,
 * and the call is cancelled then (and when the coordinator stops), so no watch outlives its page.
 */
final class LifecycleStream {
  /** Events a slow browser may fall behind by before its stream is ended (it reconnects). */
  private static final int BACKLOG = 10_000;
  private static final Duration KEEPALIVE = Duration.ofSeconds(10);
  private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();

  private final Channel channel;
  private final Duration keepalive;

  LifecycleStream(Channel channel) {
    this(channel, KEEPALIVE);
  }

  /** With a comment line every {@code keepalive} while no event comes (how soon a gone browser is noticed). */
  LifecycleStream(Channel channel, Duration keepalive) {
    this.channel = channel;
    this.keepalive = keepalive;
  }

  /** How the call ended: its status. */
  private record End(Status status) {}

  void serve(HttpExchange exchange, WatchLifecycleRequest request) throws IOException {
    serve(exchange, request, channel);
  }

  /** As {@link #serve(HttpExchange, WatchLifecycleRequest)}, calling over {@code as} (the channel with the browser's credentials). */
  void serve(HttpExchange exchange, WatchLifecycleRequest request, Channel as) throws IOException {
    TaskServiceGrpc.TaskServiceStub api = TaskServiceGrpc.newStub(as);
    BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    AtomicReference<ClientCallStreamObserver<WatchLifecycleRequest>> call = new AtomicReference<>();
    api.watchLifecycle(request, new ClientResponseObserver<WatchLifecycleRequest, LifecycleEvent>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<WatchLifecycleRequest> requestStream) {
        call.set(requestStream);
      }

      @Override
      public void onNext(LifecycleEvent event) {
        if (queue.size() < BACKLOG) queue.add(event);
        else {
          queue.add(new End(Status.RESOURCE_EXHAUSTED.withDescription("the browser fell behind")));
          call.get().cancel("the browser fell behind", null);
        }
      }

      @Override
      public void onError(Throwable t) {
        queue.add(new End(Status.fromThrowable(t)));
      }

      @Override
      public void onCompleted() {
        queue.add(new End(Status.OK));
      }
    });
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      send(out, "retry: 3000\n: watching\n\n");
      while (true) {
        Object next = queue.poll(keepalive.toMillis(), TimeUnit.MILLISECONDS);
        switch (next) {
          case null -> send(out, ": keepalive\n\n");
          case LifecycleEvent e -> send(out, "id: " + e.getEventId() + "\ndata: " + json(e) + "\n\n");
          case End end -> {
            // a named event the page's script stops on; a closed stream alone would make the browser reconnect for ever
            if (end.status().getCode() == Status.Code.UNIMPLEMENTED) {
              send(out, "event: unavailable\ndata: live updates are not available on this coordinator\n\n");
            } else if (end.status().getCode() == Status.Code.UNAUTHENTICATED) {
              send(out, "event: unavailable\ndata: live updates are off: not signed in\n\n");
            } else if (end.status().getCode() == Status.Code.PERMISSION_DENIED) {
              send(out, "event: unavailable\ndata: live updates are off: " + oneLine(String.valueOf(end.status().getDescription())) + "\n\n");
            } else if (end.status().getCode() == Status.Code.FAILED_PRECONDITION) {
              send(out, "event: unavailable\ndata: live updates are off: " + oneLine(String.valueOf(end.status().getDescription())) + "\n\n");
            } else {
              send(out, "event: ended\ndata: " + oneLine(end.status().getCode() + " " + end.status().getDescription()) + "\n\n");
            }
            return;
          }
          default -> throw new IllegalStateException("unexpected " + next);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException browserGone) {
      // the browser closed the page: nothing to answer, the call is cancelled below
    } finally {
      ClientCallStreamObserver<WatchLifecycleRequest> c = call.get();
      if (c != null) c.cancel("the browser disconnected", null);
    }
  }

  private static void send(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String json(LifecycleEvent e) {
    try {
      return JSON.print(e);
    } catch (InvalidProtocolBufferException ex) {
      throw new IllegalStateException("a lifecycle event has no JSON form", ex);
    }
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ').replace('\r', ' ');
  }
}
