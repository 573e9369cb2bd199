package io.taskgrid.dev;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Dev mode's trace UI: a span exporter that keeps the last traces of this process in memory, and a
 * small web page that lists them and shows each as a tree of spans on a time line. No download,
 * no Docker; for a real backend, set {@code OTEL_EXPORTER_OTLP_ENDPOINT} as well.
 */
final class TraceViewer implements SpanExporter, AutoCloseable {
  private static final int MAX_TRACES = 500;
  private static final AttributeKey<String> SERVICE = AttributeKey.stringKey("service.name");

  /** Traces by id, oldest first (access order is not used: the first span's arrival orders them). */
  private final LinkedHashMap<String, List<SpanData>> traces = new LinkedHashMap<>();
  private final HttpServer server;

  private TraceViewer(HttpServer server) {
    this.server = server;
    server.createContext("/", this::handle);
    server.start();
  }

  /** Serves on {@code port} of 127.0.0.1, or on a free port when that one is taken. */
  static TraceViewer start(int port) throws IOException {
    HttpServer s;
    try {
      s = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
    } catch (BindException taken) {
      s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    }
    return new TraceViewer(s);
  }

  String address() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  @Override
  public synchronized CompletableResultCode export(Collection<SpanData> spans) {
    for (SpanData s : spans) traces.computeIfAbsent(s.getTraceId(), k -> new ArrayList<>()).add(s);
    while (traces.size() > MAX_TRACES) traces.remove(traces.keySet().iterator().next());
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private synchronized Map<String, List<SpanData>> snapshot() {
    Map<String, List<SpanData>> copy = new LinkedHashMap<>();
    traces.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return copy;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      respond(exchange);
    } catch (RuntimeException e) {
      byte[] bytes = ("cannot show this page: " + e).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(500, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private void respond(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String body;
    int status = 200;
    if (path.equals("/")) {
      body = list();
    } else if (path.startsWith("/trace/")) {
      List<SpanData> spans = snapshot().get(path.substring("/trace/".length()));
      if (spans == null) {
        status = 404;
        body = page("not found", "<p>No such trace (only the last " + MAX_TRACES + " are kept). <a href='/'>All traces</a></p>");
      } else {
        body = trace(spans);
      }
    } else {
      status = 404;
      body = page("not found", "<p><a href='/'>All traces</a></p>");
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private String list() {
    List<Map.Entry<String, List<SpanData>>> all = new ArrayList<>(snapshot().entrySet());
    java.util.Collections.reverse(all);
    StringBuilder rows = new StringBuilder();
    for (var e : all) {
      List<SpanData> spans = e.getValue();
      SpanData root = root(spans);
      long start = spans.stream().mapToLong(SpanData::getStartEpochNanos).min().orElse(0);
      long end = spans.stream().mapToLong(SpanData::getEndEpochNanos).max().orElse(0);
      TreeSet<String> services = new TreeSet<>();
      spans.forEach(s -> services.add(service(s)));
      rows.append("<tr><td>").append(Instant.ofEpochSecond(0, start)).append("</td><td><a href='/trace/").append(e.getKey()).append("'>")
          .append(esc(root.getName())).append("</a></td><td>").append(esc(String.join(", ", services))).append("</td><td>")
          .append(spans.size()).append("</td><td>").append(ms(end - start)).append("</td><td><code>").append(e.getKey())
          .append("</code></td></tr>\n");
    }
    return page("traces", "<p>Newest first; the last " + MAX_TRACES + " traces of this dev mode. Reload to refresh.</p>"
        + "<table><tr><th>start (UTC)</th><th>first span</th><th>services</th><th>spans</th><th>duration</th><th>trace id</th></tr>\n"
        + rows + "</table>");
  }

  private String trace(List<SpanData> spans) {
    long start = spans.stream().mapToLong(SpanData::getStartEpochNanos).min().orElse(0);
    long end = spans.stream().mapToLong(SpanData::getEndEpochNanos).max().orElse(start + 1);
    double total = Math.max(1, end - start);
    Map<String, List<SpanData>> children = new HashMap<>();
    Map<String, SpanData> byId = new HashMap<>();
    spans.forEach(s -> byId.put(s.getSpanId(), s));
    List<SpanData> tops = new ArrayList<>();
    for (SpanData s : spans) {
      if (byId.containsKey(s.getParentSpanId())) children.computeIfAbsent(s.getParentSpanId(), k -> new ArrayList<>()).add(s);
      else tops.add(s);
    }
    StringBuilder rows = new StringBuilder();
    tops.sort(Comparator.comparingLong(SpanData::getStartEpochNanos));
    for (SpanData t : tops) tree(t, 0, children, start, total, rows);
    return page(root(spans).getName(), "<p><a href='/'>All traces</a> &middot; trace <code>" + spans.get(0).getTraceId() + "</code>, "
        + spans.size() + " spans, " + ms(end - start) + "</p><table><tr><th>span</th><th>service</th><th>kind</th><th>duration</th>"
        + "<th style='width:35%'>time line</th></tr>\n" + rows + "</table>");
  }

  private void tree(SpanData s, int depth, Map<String, List<SpanData>> children, long start, double total, StringBuilder out) {
    double left = 100 * (s.getStartEpochNanos() - start) / total;
    double width = Math.max(0.3, 100 * (s.getEndEpochNanos() - s.getStartEpochNanos()) / total);
    StringBuilder detail = new StringBuilder();
    s.getAttributes().forEach((k, v) -> detail.append(esc(k.getKey())).append('=').append(esc(String.valueOf(v))).append(' '));
    for (EventData e : s.getEvents()) detail.append("<br>&#9679; ").append(ms(e.getEpochNanos() - s.getStartEpochNanos())).append(' ').append(esc(e.getName()));
    if (s.getStatus().getStatusCode() == io.opentelemetry.api.trace.StatusCode.ERROR) {
      detail.append("<br><b class='err'>error</b> ").append(esc(s.getStatus().getDescription()));
    }
    out.append("<tr><td style='padding-left:").append(depth * 18 + 4).append("px'>").append(esc(s.getName()))
        .append("<div class='attrs'>").append(detail).append("</div></td><td>").append(esc(service(s))).append("</td><td>")
        .append(s.getKind().name().toLowerCase(Locale.ROOT)).append("</td><td>").append(ms(s.getEndEpochNanos() - s.getStartEpochNanos()))
        .append("</td><td><div class='bar' style='margin-left:").append(String.format(Locale.ROOT, "%.2f", left)).append("%;width:")
        .append(String.format(Locale.ROOT, "%.2f", width)).append("%'></div></td></tr>\n");
    List<SpanData> kids = new ArrayList<>(children.getOrDefault(s.getSpanId(), List.of()));
    kids.sort(Comparator.comparingLong(SpanData::getStartEpochNanos));
    for (SpanData k : kids) tree(k, depth + 1, children, start, total, out);
  }

  private static SpanData root(List<SpanData> spans) {
    return spans.stream().min(Comparator.comparing((SpanData s) -> s.getParentSpanContext().isValid()).thenComparingLong(SpanData::getStartEpochNanos))
        .orElseThrow();
  }

  private static String service(SpanData s) {
    String name = s.getResource().getAttribute(SERVICE);
    return name == null ? "" : name;
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
  }

  private static String esc(String s) {
    if (s == null) return "";
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;").replace("\"", "&quot;");
  }

  private static String page(String title, String body) {
    return "<!doctype html><html><head><meta charset='utf-8'><title>Taskgrid traces: " + esc(title) + "</title><style>"
        + "body{font:14px system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse;width:100%}"
        + "td,th{border-bottom:1px solid #ddd;padding:4px;text-align:left;vertical-align:top}"
        + ".bar{background:#4a7fd4;height:12px;border-radius:2px}.attrs{font-size:11px;color:#666}.err{color:#c00}"
        + "</style></head><body><h2>Taskgrid traces</h2>" + body + "</body></html>";
  }
}
