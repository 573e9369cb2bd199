package io.taskgrid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.ByteString;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.proto.v1.Backoff;
import io.taskgrid.proto.v1.ConcurrencyPolicy;
import io.taskgrid.proto.v1.ExecutionPolicy;
import io.taskgrid.proto.v1.MisfirePolicy;
import io.taskgrid.proto.v1.OverlapPolicy;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.Priority;
import io.taskgrid.proto.v1.RateExcess;
import io.taskgrid.proto.v1.RateLimitPolicy;
import io.taskgrid.proto.v1.RateWindow;
import io.taskgrid.proto.v1.RetryPolicy;
import io.taskgrid.proto.v1.SideTask;
import io.taskgrid.proto.v1.TaskDefinition;
import io.taskgrid.proto.v1.Trigger;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The coordinator's tasks file format ({@code tasks:} and a list of tasks, the keys of the
 * README's "The tasks file", {@code ${NAME:-default}} from the environment) read into
 * CreateTask definitions. The coordinator's own loader builds domain objects inside the
 * coordinator; this one only maps keys to the wire form and leaves the checks of values (cron
 * syntax, limits, zones) to the coordinator, whose INVALID_ARGUMENT names the field.
 */
final class TasksFile {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
  private static final Set<String> KEYS = Set.of("id", "name", "description", "handler", "payload", "payload_text", "content_type",
      "cron", "after", "at", "event", "on_success", "time_zone", "enabled", "tags", "category", "metadata", "misfire_policy",
      "catch_up_window", "jitter", "timeout", "priority", "policy", "side", "condition", "depends_on", "dependency_window",
      "dependency_wait");
  private static final Set<String> POLICY_KEYS = Set.of("retry", "concurrency", "rate_limit", "circuit_breaker_key");
  private static final Set<String> RETRY_KEYS = Set.of("max_attempts", "initial_delay", "backoff", "multiplier", "max_delay", "jitter",
      "max_duration", "non_retryable_errors");
  private static final Set<String> CONCURRENCY_KEYS = Set.of("key", "limit", "overlap", "max_queued");
  private static final Set<String> RATE_LIMIT_KEYS = Set.of("key", "limit", "period", "window", "on_excess");
  private static final Set<String> SIDE_KEYS = Set.of("restart_initial_delay", "restart_max_delay", "restart_multiplier");

  private final Map<String, String> env;

  private TasksFile(Map<String, String> env) {
    this.env = env;
  }

  /**
   * The tasks of {@code yaml}, in file order; a problem is an {@link InvalidArgumentException}
   * whose field reads like the coordinator's: {@code tasks[1] (id "x").policy.retry.backoff}.
   */
  static List<TaskDefinition> parse(String yaml, Map<String, String> env) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (IOException e) {
      throw new InvalidArgumentException("file", "not valid YAML: " + e.getMessage());
    }
    if (root == null || root.isMissingNode() || root.isNull()) return List.of();
    if (!root.isObject() || !root.has("tasks") || root.size() != 1 || !root.get("tasks").isArray()) {
      throw new InvalidArgumentException("file", "must hold one key, tasks, with a list of tasks (the coordinator's tasks file format)");
    }
    TasksFile reader = new TasksFile(env);
    List<TaskDefinition> out = new ArrayList<>();
    int i = 0;
    for (JsonNode node : root.get("tasks")) {
      String where = "tasks[" + i + "]" + (node.hasNonNull("id") ? " (id \"" + node.get("id").asText() + "\")" : "");
      try {
        if (!node.isObject()) throw new InvalidArgumentException("task", "must be a mapping of fields");
        out.add(reader.task((ObjectNode) node));
      } catch (InvalidArgumentException e) {
        throw e.under(where);
      }
      i++;
    }
    return out;
  }

  private TaskDefinition task(ObjectNode n) {
    checkKeys(n, "", KEYS);
    TaskDefinition.Builder b = TaskDefinition.newBuilder();
    text(n, "id", "").ifPresent(b::setId);
    text(n, "name", "").ifPresent(b::setName);
    text(n, "description", "").ifPresent(b::setDescription);
    text(n, "handler", "").ifPresent(b::setHandler);
    if (n.has("payload") && n.has("payload_text")) throw new InvalidArgumentException("payload", "give payload or payload_text, not both");
    String contentType = text(n, "content_type", "").orElse(null);
    if (n.has("payload")) {
      JsonNode value = substitute(n.get("payload"), "payload");
      b.setPayload(Payload.newBuilder().setData(ByteString.copyFromUtf8(value.toString()))
          .setContentType(contentType == null ? "application/json" : contentType));
    } else if (n.has("payload_text")) {
      b.setPayload(Payload.newBuilder().setData(ByteString.copyFromUtf8(text(n, "payload_text", "").orElse("")))
          .setContentType(contentType == null ? "text/plain; charset=utf-8" : contentType));
    }
    List<String> triggers = new ArrayList<>();
    for (String kind : List.of("cron", "after", "at", "event", "on_success")) if (n.has(kind)) triggers.add(kind);
    if (triggers.size() > 1) {
      throw new InvalidArgumentException("trigger", "set only one of cron, after, at, event and on_success, got " + String.join(" and ", triggers));
    }
    if (!triggers.isEmpty()) {
      String kind = triggers.get(0);
      String v = text(n, kind, "").orElse("");
      Trigger.Builder t = Trigger.newBuilder();
      switch (kind) {
        case "cron" -> t.setCron(v);
        case "after" -> t.setAfter(v);
        case "at" -> t.setAt(v);
        case "event" -> t.setEvent(v);
        default -> t.setOnSuccess(v);
      }
      b.setTrigger(t);
    }
    text(n, "time_zone", "").ifPresent(b::setTimeZone);
    text(n, "enabled", "").ifPresent(v -> b.setEnabled(bool("enabled", v)));
    list(n, "tags", "").forEach(b::addTags);
    text(n, "category", "").ifPresent(b::setCategory);
    if (n.has("metadata")) {
      JsonNode m = n.get("metadata");
      if (!m.isObject()) throw new InvalidArgumentException("metadata", "must be a mapping");
      for (var e : m.properties()) b.putMetadata(e.getKey(), substitute(e.getValue().asText(), "metadata." + e.getKey()));
    }
    text(n, "misfire_policy", "").ifPresent(v -> b.setMisfirePolicy(choice("misfire_policy", v, Map.of(
        "skip", MisfirePolicy.MISFIRE_POLICY_SKIP, "fire_once", MisfirePolicy.MISFIRE_POLICY_FIRE_ONCE,
        "catch_up", MisfirePolicy.MISFIRE_POLICY_CATCH_UP))));
    duration(n, "catch_up_window", "").ifPresent(b::setCatchUpWindow);
    duration(n, "jitter", "").ifPresent(b::setJitter);
    duration(n, "timeout", "").ifPresent(b::setTimeout);
    text(n, "priority", "").ifPresent(v -> b.setPriority(choice("priority", v, Map.of(
        "critical", Priority.PRIORITY_CRITICAL, "high", Priority.PRIORITY_HIGH, "medium", Priority.PRIORITY_MEDIUM,
        "low", Priority.PRIORITY_LOW, "background", Priority.PRIORITY_BACKGROUND))));
    if (n.has("policy")) b.setPolicy(policy(n.get("policy")));
    if (n.has("side")) side(n.get("side"), b);
    text(n, "condition", "").ifPresent(b::setCondition);
    list(n, "depends_on", "").forEach(b::addDependsOn);
    duration(n, "dependency_window", "").ifPresent(b::setDependencyWindow);
    duration(n, "dependency_wait", "").ifPresent(b::setDependencyWait);
    return b.build();
  }

  private void side(JsonNode node, TaskDefinition.Builder b) {
    if (node.isBoolean() || node.isTextual()) {
      if (bool("side", substitute(node.asText(), "side"))) b.setSide(SideTask.getDefaultInstance());
      return;
    }
    if (!node.isObject()) throw new InvalidArgumentException("side", "must be true, false or a mapping (known: " + sorted(SIDE_KEYS) + ")");
    ObjectNode s = (ObjectNode) node;
    checkKeys(s, "side.", SIDE_KEYS);
    SideTask.Builder sb = SideTask.newBuilder();
    duration(s, "restart_initial_delay", "side.").ifPresent(sb::setRestartInitialDelay);
    duration(s, "restart_max_delay", "side.").ifPresent(sb::setRestartMaxDelay);
    text(s, "restart_multiplier", "side.").ifPresent(v -> sb.setRestartMultiplier(number("side.restart_multiplier", v)));
    b.setSide(sb);
  }

  private ExecutionPolicy policy(JsonNode node) {
    ObjectNode p = mapping(node, "policy", POLICY_KEYS);
    ExecutionPolicy.Builder b = ExecutionPolicy.newBuilder();
    if (p.has("retry")) {
      String f = "policy.retry.";
      ObjectNode r = mapping(p.get("retry"), "policy.retry", RETRY_KEYS);
      RetryPolicy.Builder rb = RetryPolicy.newBuilder();
      text(r, "max_attempts", f).ifPresent(v -> rb.setMaxAttempts(integer(f + "max_attempts", v)));
      duration(r, "initial_delay", f).ifPresent(rb::setInitialDelay);
      text(r, "backoff", f).ifPresent(v -> rb.setBackoff(choice(f + "backoff", v, Map.of(
          "exponential", Backoff.BACKOFF_EXPONENTIAL, "fixed", Backoff.BACKOFF_FIXED))));
      text(r, "multiplier", f).ifPresent(v -> rb.setMultiplier(number(f + "multiplier", v)));
      duration(r, "max_delay", f).ifPresent(rb::setMaxDelay);
      text(r, "jitter", f).ifPresent(v -> rb.setJitter(number(f + "jitter", v)));
      duration(r, "max_duration", f).ifPresent(rb::setMaxDuration);
      list(r, "non_retryable_errors", f).forEach(rb::addNonRetryableErrors);
      b.setRetry(rb);
    }
    if (p.has("concurrency")) {
      String f = "policy.concurrency.";
      ObjectNode c = mapping(p.get("concurrency"), "policy.concurrency", CONCURRENCY_KEYS);
      ConcurrencyPolicy.Builder cb = ConcurrencyPolicy.newBuilder();
      text(c, "key", f).ifPresent(cb::setKey);
      text(c, "limit", f).ifPresent(v -> cb.setLimit(positive(f + "limit", v)));
      text(c, "overlap", f).ifPresent(v -> cb.setOverlap(choice(f + "overlap", v, Map.of(
          "allow", OverlapPolicy.OVERLAP_POLICY_ALLOW, "skip", OverlapPolicy.OVERLAP_POLICY_SKIP,
          "queue", OverlapPolicy.OVERLAP_POLICY_QUEUE, "replace", OverlapPolicy.OVERLAP_POLICY_REPLACE))));
      text(c, "max_queued", f).ifPresent(v -> cb.setMaxQueued(positive(f + "max_queued", v)));
      b.setConcurrency(cb);
    }
    if (p.has("rate_limit")) {
      String f = "policy.rate_limit.";
      ObjectNode r = mapping(p.get("rate_limit"), "policy.rate_limit", RATE_LIMIT_KEYS);
      if (!r.has("limit")) throw new InvalidArgumentException(f + "limit", "must be set (starts allowed per period)");
      RateLimitPolicy.Builder rb = RateLimitPolicy.newBuilder();
      text(r, "key", f).ifPresent(rb::setKey);
      text(r, "limit", f).ifPresent(v -> rb.setLimit(positive(f + "limit", v)));
      duration(r, "period", f).ifPresent(d -> {
        if (d.getSeconds() == 0 && d.getNanos() == 0) throw new InvalidArgumentException(f + "period", "must be between 1ms and 1d, got 0");
        rb.setPeriod(d);
      });
      text(r, "window", f).ifPresent(v -> rb.setWindow(choice(f + "window", v, Map.of(
          "sliding", RateWindow.RATE_WINDOW_SLIDING, "fixed", RateWindow.RATE_WINDOW_FIXED))));
      text(r, "on_excess", f).ifPresent(v -> rb.setOnExcess(choice(f + "on_excess", v, Map.of(
          "delay", RateExcess.RATE_EXCESS_DELAY, "drop", RateExcess.RATE_EXCESS_DROP))));
      b.setRateLimit(rb);
    }
    text(p, "circuit_breaker_key", "policy.").ifPresent(v -> {
      if (v.isEmpty()) throw new InvalidArgumentException("policy.circuit_breaker_key", "must not be empty (leave it out for the handler's own breaker)");
      b.setCircuitBreakerKey(v);
    });
    return b.build();
  }

  private ObjectNode mapping(JsonNode node, String field, Set<String> keys) {
    if (!node.isObject()) throw new InvalidArgumentException(field, "must be a mapping (known: " + sorted(keys) + ")");
    checkKeys((ObjectNode) node, field + ".", keys);
    return (ObjectNode) node;
  }

  private static void checkKeys(ObjectNode node, String prefix, Set<String> known) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) throw new InvalidArgumentException(prefix + key, "is not a field here (known: " + sorted(known) + ")");
    }
  }

  private static String sorted(Set<String> keys) {
    return String.join(", ", new TreeSet<>(keys));
  }

  private java.util.Optional<String> text(ObjectNode node, String key, String prefix) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) return java.util.Optional.empty();
    if (v.isContainerNode()) throw new InvalidArgumentException(prefix + key, "must be a single value, got " + v);
    return java.util.Optional.of(substitute(v.asText(), prefix + key));
  }

  private List<String> list(ObjectNode node, String key, String prefix) {
    if (!node.has(key)) return List.of();
    JsonNode v = node.get(key);
    if (!v.isArray()) throw new InvalidArgumentException(prefix + key, "must be a list");
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) out.add(substitute(v.get(i).asText(), prefix + key + "[" + i + "]"));
    return out;
  }

  private java.util.Optional<com.google.protobuf.Duration> duration(ObjectNode node, String key, String prefix) {
    return text(node, key, prefix).map(v -> Inputs.protoDuration(io.taskgrid.core.Durations.parse(prefix + key, v)));
  }

  private static boolean bool(String field, String v) {
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw new InvalidArgumentException(field, "must be true or false, got " + InvalidArgumentException.quote(v));
    };
  }

  private static <E> E choice(String field, String v, Map<String, E> choices) {
    E e = choices.get(v.trim().toLowerCase(Locale.ROOT));
    if (e == null) {
      throw new InvalidArgumentException(field, "must be one of " + String.join(", ", new TreeSet<>(choices.keySet())) + ", got "
          + InvalidArgumentException.quote(v));
    }
    return e;
  }

  private static int integer(String field, String v) {
    return parse(field, v, s -> Integer.parseInt(s), "a whole number");
  }

  /** At least 1: on the wire 0 means the default, so a 0 in the file would be read as something else. */
  private static int positive(String field, String v) {
    int n = integer(field, v);
    if (n < 1) throw new InvalidArgumentException(field, "must be at least 1, got " + n);
    return n;
  }

  private static double number(String field, String v) {
    return parse(field, v, Double::parseDouble, "a number");
  }

  private static <T> T parse(String field, String v, Function<String, T> parser, String what) {
    try {
      return parser.apply(v.trim());
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException(field, "must be " + what + ", got " + InvalidArgumentException.quote(v));
    }
  }

  private JsonNode substitute(JsonNode value, String field) {
    if (value.isTextual()) return TextNode.valueOf(substitute(value.asText(), field));
    if (value.isObject()) {
      ObjectNode copy = ((ObjectNode) value).deepCopy();
      for (var e : value.properties()) copy.set(e.getKey(), substitute(e.getValue(), field + "." + e.getKey()));
      return copy;
    }
    if (value.isArray()) {
      ArrayNode copy = ((ArrayNode) value).deepCopy();
      for (int i = 0; i < value.size(); i++) copy.set(i, substitute(value.get(i), field + "[" + i + "]"));
      return copy;
    }
    return value;
  }

  private String substitute(String text, String field) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.get(m.group(1));
      if (value == null) value = m.group(2);
      if (value == null) {
        throw new InvalidArgumentException(field, "environment variable " + m.group(1) + " is not set and has no default (write ${"
            + m.group(1) + ":-default})");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
