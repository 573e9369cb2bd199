package io.taskgrid.coordinator.internal.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.taskgrid.coordinator.internal.httpauth.Caller;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TaskService as HTTP/JSON under {@code /v1/}: each rpc's {@code google.api.http} option (read
 * from the service's descriptors at start, so the proto is the one source) gives its method and
 * path; the request is built by {@link RequestMapping} and the rpc called over {@code channel} (the
 * coordinator's in-process server, so the checks, errors and tracing are the gRPC API's own).
 * Answers are proto3 JSON (lowerCamelCase names; both spellings are accepted in requests); server
 * streams are Server-Sent Events, one {@code data:} line of JSON per message. Every error is an
 * {@link ApiError} JSON body. Each call carries the request's credentials ({@link Caller}: its
 * {@code Authorization} header, and its verified client certificate on HTTPS), so the service
 * authenticates and authorizes it as a gRPC call: UNAUTHENTICATED is 401 with {@code
 * WWW-Authenticate: Bearer}, PERMISSION_DENIED 403.
 */
public final class HttpApi implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
  /** The context this handler is mounted at. */
  public static final String PREFIX = "/v1/";
  static final String OPENAPI_PATH = "/v1/openapi.json";
  /** How long an event stream stays silent before a comment line checks the client is still there. */
  private static final Duration HEARTBEAT = Duration.ofSeconds(15);
  /** The challenge of a 401: send a bearer token (a client certificate, on HTTPS, is asked for by the handshake). */
  static final String CHALLENGE = "Bearer realm=\"taskgrid\"";
  /** How much of a too-large body is read and dropped so the client gets the 413 rather than a reset. */
  private static final int DRAIN_LIMIT = 1 << 20;
  private static final JsonFormat.Printer PRETTY = JsonFormat.printer();
  private static final JsonFormat.Printer ONE_LINE = JsonFormat.printer().omittingInsignificantWhitespace();

  private final Channel channel;
  private final int maxBodyBytes;
  private final Duration callTimeout;
  private final List<ApiRoute> routes;
  private final byte[] openApi;

  /**
   * @param channel where the TaskService is served
   * @param maxBodyBytes largest request body read; larger ones are refused with 413
   * @param callTimeout deadline of a unary call (streams have none: they last as long as the client stays)
   */
  public HttpApi(Channel channel, int maxBodyBytes, Duration callTimeout) {
    this.channel = channel;
    this.maxBodyBytes = maxBodyBytes;
    this.callTimeout = callTimeout;
    this.routes = ApiRoute.of(TaskServiceGrpc.getServiceDescriptor());
    this.openApi = OpenApi.describe(routes, maxBodyBytes).getBytes(StandardCharsets.UTF_8);
  }

  /** The largest JSON body for a payload limit: base64 makes a payload a third larger, and a batch holds several. */
  public static int maxBodyBytes(int maxPayloadBytes) {
    return (int) Math.min(Integer.MAX_VALUE - 8L, 4L * maxPayloadBytes + 64 * 1024);
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      serve(exchange, Caller.of(exchange).channel(channel));
    } catch (Caller.MalformedCredentials e) {
      error(exchange, ApiError.of(Status.Code.UNAUTHENTICATED, e.getMessage()), Map.of());
    } catch (ApiException e) {
      error(exchange, e.error(), Map.of());
    } catch (MethodNotAllowed e) {
      error(exchange, new ApiError(Status.Code.UNIMPLEMENTED, e.getMessage(), 405), Map.of("Allow", e.allow));
    } catch (StatusRuntimeException e) {
      ApiError err = ApiError.of(e.getStatus());
      if (err.httpStatus() >= 500 && err.code() != Status.Code.UNAVAILABLE && err.code() != Status.Code.UNIMPLEMENTED) {
        log.warn("HTTP {} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), e.getStatus());
      }
      error(exchange, err, Map.of());
    } catch (IOException e) {
      log.debug("HTTP client of {} went away: {}", exchange.getRequestURI().getRawPath(), e.toString());
    } catch (RuntimeException e) {
      log.error("HTTP {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), e);
      error(exchange, ApiError.of(Status.Code.INTERNAL, "internal error"), Map.of());
    } finally {
      exchange.close();
    }
  }

  private void serve(HttpExchange exchange, Channel caller) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    PathTemplate.checkPath(path);
    if (path.equals(OPENAPI_PATH)) {
      if (!method.equals("GET")) throw new MethodNotAllowed("GET", method + " " + path + " is not served; use GET");
      respond(exchange, 200, openApi);
      return;
    }
    Matched matched = resolve(method, path);
    byte[] body = readBody(exchange);
    if (body.length > 0) checkJson(exchange.getRequestHeaders().getFirst("Content-Type"));
    Message request = RequestMapping.build(matched.route(), matched.variables(), exchange.getRequestURI().getRawQuery(), body);
    if (matched.route().serverStreaming()) {
      stream(exchange, caller, matched.route(), request);
    } else {
      Message response = ClientCalls.blockingUnaryCall(caller, matched.route().grpcMethod(),
          CallOptions.DEFAULT.withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS), request);
      respond(exchange, 200, (print(PRETTY, response) + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  private record Matched(ApiRoute route, Map<String, String> variables) {}

  private static final class MethodNotAllowed extends RuntimeException {
    final String allow;

    MethodNotAllowed(String allow, String message) {
      super(message, null, false, false);
      this.allow = allow;
    }
  }

  /** The most specific routes whose template fits {@code path}; the one among them for {@code method}, or 404 / 405. */
  private Matched resolve(String method, String path) {
    int best = -1;
    List<Matched> candidates = new ArrayList<>();
    for (ApiRoute route : routes) {
      Optional<Map<String, String>> vars = route.path().match(path);
      if (vars.isEmpty()) continue;
      int rank = route.path().rank();
      if (rank > best) {
        best = rank;
        candidates.clear();
      }
      if (rank == best) candidates.add(new Matched(route, vars.get()));
    }
    if (candidates.isEmpty()) {
      throw new ApiException(ApiError.of(Status.Code.NOT_FOUND, "no route for " + method + " " + path + "; the routes are listed at " + OPENAPI_PATH));
    }
    for (Matched m : candidates) {
      if (m.route().httpMethod().equals(method)) return m;
    }
    TreeSet<String> allow = new TreeSet<>();
    candidates.forEach(m -> allow.add(m.route().httpMethod()));
    throw new MethodNotAllowed(String.join(", ", allow), method + " is not served at " + path + "; allowed: " + String.join(", ", allow));
  }

  private static void checkJson(String contentType) {
    if (contentType == null) return; // curl --data-binary without -H: take it as JSON
    String media = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    if (!media.equals("application/json") && !media.endsWith("+json")) {
      throw new ApiException(new ApiError(Status.Code.INVALID_ARGUMENT,
          "Content-Type: the body must be application/json, got '" + contentType + "'", 415));
    }
  }

  /** The body, read up to the limit: never more than {@link #maxBodyBytes} is held. */
  private byte[] readBody(HttpExchange exchange) throws IOException {
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    long length = -1;
    if (declared != null) {
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        throw ApiException.invalid("Content-Length: not a number: '" + declared + "'");
      }
    }
    InputStream in = exchange.getRequestBody();
    // a body declared far over the limit is not waited for: a client sending it slowly (or never) held the answer back
    if (length > maxBodyBytes) throw tooLarge(length - maxBodyBytes <= DRAIN_LIMIT ? in : InputStream.nullInputStream(), length);
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(0, Math.min(length, 64 * 1024)));
    byte[] buffer = new byte[8192];
    int n;
    while ((n = in.read(buffer)) >= 0) {
      out.write(buffer, 0, n);
      if (out.size() > maxBodyBytes) throw tooLarge(in, -1);
    }
    return out.toByteArray();
  }

  private ApiException tooLarge(InputStream in, long declared) throws IOException {
    // read (and drop) a bounded rest of the body so the client, still sending, can read the answer
    byte[] buffer = new byte[8192];
    long dropped = 0;
    int n;
    while (dropped < DRAIN_LIMIT && (n = in.read(buffer)) >= 0) dropped += n;
    return new ApiException(new ApiError(Status.Code.RESOURCE_EXHAUSTED, "body: larger than the limit of " + maxBodyBytes
        + " bytes (4 x TASKGRID_MAX_PAYLOAD_BYTES + 64 KiB)" + (declared > 0 ? ": Content-Length " + declared : ""), 413));
  }

  /**
   * A server stream as Server-Sent Events. The status waits for the stream's first message (or
   * end), so an error before any message (an unknown id) is an ordinary JSON error; after that an
   * error ends the stream with an {@code event: error} whose data is the error's JSON. The call is
   * cancelled as soon as the client is gone (a write fails; a comment line every {@link #HEARTBEAT}
   * finds out when the stream is quiet) and pulled one message at a time, so a slow client slows
   * the stream instead of queueing it here.
   */
  private void stream(HttpExchange exchange, Channel caller, ApiRoute route, Message request) throws IOException {
    BlockingQueue<Object> items = new LinkedBlockingQueue<>();
    ClientCall<Message, Message> call = caller.newCall(route.grpcMethod(), CallOptions.DEFAULT);
    AtomicReference<ClientCallStreamObserver<Message>> requests = new AtomicReference<>();
    ClientCalls.asyncServerStreamingCall(call, request, new ClientResponseObserver<Message, Message>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<Message> stream) {
        stream.disableAutoRequestWithInitial(1);
        requests.set(stream);
      }

      @Override
      public void onNext(Message value) {
        items.add(value);
      }

      @Override
      public void onError(Throwable t) {
        items.add(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        items.add(Status.OK);
      }
    });
    boolean ended = false;
    OutputStream out = null;
    try {
      while (true) {
        Object item;
        try {
          item = items.poll(HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        if (item instanceof Status status) {
          ended = true;
          if (out == null && !status.isOk()) throw status.asRuntimeException();
          if (out == null) out = startEvents(exchange);
          if (!status.isOk()) {
            out.write(("event: error\ndata: " + new String(ApiError.of(status).json(), StandardCharsets.UTF_8).strip() + "\n\n")
                .getBytes(StandardCharsets.UTF_8));
          }
          out.flush();
          return;
        }
        if (out == null) out = startEvents(exchange);
        if (item == null) {
          out.write(": still here\n\n".getBytes(StandardCharsets.UTF_8));
        } else {
          out.write(("data: " + print(ONE_LINE, (Message) item) + "\n\n").getBytes(StandardCharsets.UTF_8));
          requests.get().request(1);
        }
        out.flush();
      }
    } finally {
      if (!ended) call.cancel("the HTTP client went away", null);
    }
  }

  private static OutputStream startEvents(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, 0);
    return exchange.getResponseBody();
  }

  private static String print(JsonFormat.Printer printer, Message message) {
    try {
      return printer.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getDescriptorForType().getFullName() + " as JSON", e);
    }
  }

  private static void respond(HttpExchange exchange, int status, byte[] json) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(status, json.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(json);
    }
  }

  private static void error(HttpExchange exchange, ApiError error, Map<String, String> headers) {
    try {
      headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      if (error.httpStatus() == 401) exchange.getResponseHeaders().set("WWW-Authenticate", CHALLENGE);
      respond(exchange, error.httpStatus(), error.json());
    } catch (IOException | RuntimeException e) {
      // headers already sent (a stream that failed mid-way) or the client is gone: nothing more to tell it
      log.debug("could not send the error {} to the HTTP client: {}", error, e.toString());
    }
  }

  /** The routes served, for the description and tests. */
  List<ApiRoute> routes() {
    return routes;
  }

}
