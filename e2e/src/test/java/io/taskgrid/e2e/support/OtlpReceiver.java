package io.taskgrid.e2e.support;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * An OTLP/gRPC trace receiver on a free port of this JVM: what processes under test export with
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT=}{@link #endpoint()} lands in {@link #spans()}.
 */
public final class OtlpReceiver implements AutoCloseable {
  /** One received span, flattened: ids in lowercase hex, attributes as strings. */
  public record ReceivedSpan(String service, String traceId, String spanId, String parentSpanId, String name, String kind,
      Map<String, String> attributes, List<String> events) {
    public String attribute(String key) {
      return attributes.get(key);
    }

    public boolean isRoot() {
      return parentSpanId.isEmpty();
    }
  }

  private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
  private final Server server;

  private OtlpReceiver() throws IOException {
    server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(new TraceServiceGrpc.TraceServiceImplBase() {
          @Override
          public void export(ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> out) {
            for (ResourceSpans rs : request.getResourceSpansList()) {
              String service = attribute(rs.getResource(), "service.name");
              for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (var s : ss.getSpansList()) {
                  spans.add(new ReceivedSpan(service, hex(s.getTraceId().toByteArray()), hex(s.getSpanId().toByteArray()),
                      hex(s.getParentSpanId().toByteArray()), s.getName(), s.getKind().name(), attributes(s.getAttributesList()),
                      s.getEventsList().stream().map(e -> e.getName()).toList()));
                }
              }
            }
            out.onNext(ExportTraceServiceResponse.getDefaultInstance());
            out.onCompleted();
          }
        })
        .build()
        .start();
  }

  public static OtlpReceiver start() throws IOException {
    return new OtlpReceiver();
  }

  /** The value of {@code OTEL_EXPORTER_OTLP_ENDPOINT} (protocol grpc) that reaches this receiver. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getPort();
  }

  public List<ReceivedSpan> spans() {
    return List.copyOf(spans);
  }

  public Optional<ReceivedSpan> find(Predicate<ReceivedSpan> p) {
    return spans.stream().filter(p).findFirst();
  }

  /** The spans of one trace, by span id. */
  public Map<String, ReceivedSpan> trace(String traceId) {
    return spans.stream().filter(s -> s.traceId().equals(traceId)).collect(Collectors.toMap(ReceivedSpan::spanId, s -> s, (a, b) -> a));
  }

  /**
   * The path from {@code span} up through its parents, as far as they were received: the span
   * first, then its parent, and so on. Ends at a root span or at a parent that was not received.
   */
  public List<ReceivedSpan> ancestry(ReceivedSpan span) {
    Map<String, ReceivedSpan> trace = trace(span.traceId());
    List<ReceivedSpan> path = new ArrayList<>();
    for (ReceivedSpan s = span; s != null && path.size() < 100; s = trace.get(s.parentSpanId())) path.add(s);
    return path;
  }

  private static String attribute(Resource r, String key) {
    return r.getAttributesList().stream().filter(kv -> kv.getKey().equals(key)).map(kv -> text(kv.getValue())).findFirst().orElse("");
  }

  private static Map<String, String> attributes(List<KeyValue> kvs) {
    return kvs.stream().collect(Collectors.toMap(KeyValue::getKey, kv -> text(kv.getValue()), (a, b) -> b));
  }

  private static String text(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case INT_VALUE -> Long.toString(v.getIntValue());
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      default -> v.toString();
    };
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
