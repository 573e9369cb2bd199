package io.taskgrid.coordinator.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.taskgrid.coordinator.internal.registry.TaskRegistry;
import io.taskgrid.core.Durations;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.Payload;
import io.taskgrid.core.Priority;
import io.taskgrid.core.SubmissionLimits;
import io.taskgrid.core.task.SideTask;
import io.taskgrid.core.task.TaskDefinition;
import io.taskgrid.core.task.Preconditions;
import io.taskgrid.core.task.TaskDraft;
import io.taskgrid.core.task.TaskId;
import io.taskgrid.proto.v1.Backoff;
import io.taskgrid.proto.v1.ExecutionPolicy;
import io.taskgrid.proto.v1.OverlapPolicy;
import io.taskgrid.proto.v1.RateExcess;
import io.taskgrid.proto.v1.RateWindow;
import io.taskgrid.wire.PolicyMapping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tasks file: tasks declared in YAML, registered when a coordinator starts (created, or
 * updated when their definition changed; unchanged ones are left alone). Every task is checked
 * before any is written, so a bad file registers nothing and stops the coordinator with a message
 * naming the task and the field.
 *
 * <pre>
 * tasks:
 *   - id: nightly-report
 *     handler: reports.nightly
 *     cron: "0 2 * * *"            # or after: 5m / at: 2026-12-24T18:00 / event: "user:*"
 *     time_zone: Europe/London
 *     payload: {day: yesterday}    # any YAML value, sent as JSON; or payload_text: plain text
 *     enabled: ${REPORTS_ENABLED:-true}
 *     policy:
 *       retry: {max_attempts: 5, initial_delay: 1s, backoff: exponential, multiplier: 2,
 *               max_delay: 1m, jitter: 0.2, max_duration: 1h, non_retryable_errors: [java.lang.IllegalArgumentException]}
 *       concurrency: {key: reports, limit: 1, overlap: skip}   # overlap: allow | skip | queue | replace; max_queued: 1000
 *       rate_limit: {key: crm-api, limit: 100, period: 1m, window: sliding, on_excess: delay}   # window: fixed; on_excess: drop
 *       circuit_breaker_key: tenant-42
 *   - id: inbox-watcher             # a side task: one long-running instance in the cluster, no trigger
 *     handler: inbox.watch
 *     side: {restart_initial_delay: 1s, restart_max_delay: 1m, restart_multiplier: 2}   # or side: true for these defaults
 * </pre>
 *
 * {@code ${NAME}} and {@code ${NAME:-default}} in any value are replaced from the environment; an
 * unset variable without a default is an error.
 */
public final class TasksFileLoader {
  private static final Logger log = LoggerFactory.getLogger(TasksFileLoader.class);
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
  private static final Set<String> KEYS = Set.of("id", "name", "description", "handler", "payload", "payload_text", "content_type",
      "cron", "after", "at", "event", "time_zone", "enabled", "tags", "category", "metadata", "misfire_policy", "catch_up_window",
      "jitter", "timeout", "priority", "policy", "side");
  private static final Set<String> SIDE_KEYS = Set.of("restart_initial_delay", "restart_max_delay", "restart_multiplier");
  /** Keys of a task's run condition and dependencies ({@link Preconditions}), and the on_success trigger. */
  private static final Set<String> PRECONDITION_KEYS = Set.of("condition", "depends_on", "dependency_window", "dependency_wait", "on_success");
  private static final Set<String> POLICY_KEYS = Set.of("retry", "concurrency", "rate_limit", "circuit_breaker_key");
  private static final Set<String> RETRY_KEYS = Set.of("max_attempts", "initial_delay", "backoff", "multiplier", "max_delay", "jitter",
      "max_duration", "non_retryable_errors");
  private static final Set<String> CONCURRENCY_KEYS = Set.of("key", "limit", "overlap", "max_queued");
  private static final Set<String> RATE_LIMIT_KEYS = Set.of("key", "limit", "period", "window", "on_excess");

  /** A tasks file that cannot be used; the message says where and why. */
  public static final class TasksFileException extends RuntimeException {
    public TasksFileException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private TasksFileLoader() {}

  /** Reads, checks and registers the file's tasks. */
  public static void load(Path file, Map<String, String> env, TaskRegistry registry, SubmissionLimits limits, ZoneId defaultZone) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TasksFileException("tasks file " + file + ": cannot be read: " + e, e);
    }
    List<TaskDefinition> tasks = parse(file.toString(), text, env, limits, defaultZone);
    int changed = 0;
    for (TaskDefinition t : tasks) {
      try {
        if (registry.upsert(t).changed()) changed++;
      } catch (InvalidArgumentException e) {
        throw new TasksFileException("tasks file " + file + ": task \"" + t.id() + "\": " + e.getMessage(), e);
      }
    }
    log.info("Tasks file {}: {} tasks, {} created or updated", file, tasks.size(), changed);
  }

  /** Checks every task of the file; the first problem is a {@link TasksFileException}. */
  public static List<TaskDefinition> parse(String source, String yaml, Map<String, String> env, SubmissionLimits limits, ZoneId defaultZone) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (IOException e) {
      throw new TasksFileException("tasks file " + source + ": not valid YAML: " + e.getMessage(), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) return List.of();
    if (!root.isObject() || !root.has("tasks") || root.size() != 1 || !root.get("tasks").isArray()) {
      throw new TasksFileException("tasks file " + source + ": must hold one key, tasks, with a list of tasks", null);
    }
    List<TaskDefinition> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    int i = 0;
    for (JsonNode node : root.get("tasks")) {
      String where = "tasks[" + i + "]" + (node.hasNonNull("id") ? " (id \"" + node.get("id").asText() + "\")" : "");
      try {
        if (!node.isObject()) throw new InvalidArgumentException("task", "must be a mapping of fields");
        TaskDefinition d = draft((ObjectNode) node, env).validate(limits, defaultZone);
        if (node.has("side")) {
          SideTask side = side(node.get("side"), env);
          if (side != null) d = d.withSide(side);
        }
        d = d.withPreconditions(preconditions(d.id(), (ObjectNode) node, env));
        if (node.has("on_success")) d = d.withTrigger(onSuccess(d.id(), (ObjectNode) node, env));
        if (node.has("policy")) {
          d = d.withPolicy(PolicyMapping.fromProto(policy(node.get("policy"), env), d.handler().value(), d.id().value()));
        }
        if (!ids.add(d.id().value())) throw new InvalidArgumentException("id", "is declared twice in the file: \"" + d.id() + "\"");
        out.add(d);
      } catch (InvalidArgumentException e) {
        throw new TasksFileException("tasks file " + source + ": " + where + "." + e.getMessage(), e);
      }
      i++;
    }
    return out;
  }

  private static TaskDraft draft(ObjectNode node, Map<String, String> env) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key) && !PRECONDITION_KEYS.contains(key)) {
        List<String> known = new ArrayList<>(KEYS);
        known.addAll(PRECONDITION_KEYS);
        throw new InvalidArgumentException(key, "is not a task field (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
      }
    }
    Payload payload = null;
    if (node.has("payload") && node.has("payload_text")) {
      throw new InvalidArgumentException("payload", "give payload or payload_text, not both");
    }
    String contentType = text(node, "content_type", env);
    if (node.has("payload")) {
      JsonNode value = substitute(node.get("payload"), env, "payload");
      payload = new Payload(value.toString().getBytes(StandardCharsets.UTF_8), contentType == null ? Payload.JSON : contentType);
    } else if (node.has("payload_text")) {
      payload = new Payload(text(node, "payload_text", env).getBytes(StandardCharsets.UTF_8), contentType == null ? Payload.TEXT : contentType);
    }
    List<String> tags = null;
    if (node.has("tags")) {
      JsonNode t = node.get("tags");
      if (!t.isArray()) throw new InvalidArgumentException("tags", "must be a list");
      tags = new ArrayList<>();
      for (int i = 0; i < t.size(); i++) tags.add(substitute(t.get(i).asText(), env, "tags[" + i + "]"));
    }
    Map<String, String> metadata = null;
    if (node.has("metadata")) {
      JsonNode m = node.get("metadata");
      if (!m.isObject()) throw new InvalidArgumentException("metadata", "must be a mapping");
      metadata = new LinkedHashMap<>();
      for (var e : m.properties()) metadata.put(e.getKey(), substitute(e.getValue().asText(), env, "metadata." + e.getKey()));
    }
    return new TaskDraft(
        text(node, "id", env),
        text(node, "name", env),
        text(node, "description", env),
        text(node, "handler", env),
        payload,
        text(node, "cron", env),
        text(node, "after", env),
        text(node, "at", env),
        text(node, "event", env),
        text(node, "time_zone", env),
        bool(node, "enabled", env),
        tags,
        text(node, "category", env),
        metadata,
        text(node, "misfire_policy", env),
        duration(node, "catch_up_window", env),
        duration(node, "jitter", env),
        duration(node, "timeout", env),
        priority(node, env));
  }

  /** The {@code side:} value: true (the default restart policy), false (not a side task) or a mapping. */
  private static SideTask side(JsonNode node, Map<String, String> env) {
    if (node.isBoolean() || node.isTextual()) {
      String v = substitute(node.asText(), env, "side").trim().toLowerCase(Locale.ROOT);
      return switch (v) {
        case "true", "yes", "on" -> SideTask.DEFAULTS;
        case "false", "no", "off" -> null;
        default -> throw new InvalidArgumentException("side", "must be true, false or a mapping (known: "
            + String.join(", ", SIDE_KEYS.stream().sorted().toList()) + "), got " + InvalidArgumentException.quote(v));
      };
    }
    if (!node.isObject()) {
      throw new InvalidArgumentException("side", "must be true, false or a mapping (known: " + String.join(", ", SIDE_KEYS.stream().sorted().toList()) + ")");
    }
    ObjectNode s = (ObjectNode) node;
    checkKeys(s, "side.", SIDE_KEYS);
    String initial = text(s, "restart_initial_delay", env, "side.");
    String max = text(s, "restart_max_delay", env, "side.");
    String multiplier = text(s, "restart_multiplier", env, "side.");
    double m = multiplier == null ? 0 : number("side.restart_multiplier", multiplier);
    if (multiplier != null && m == 0) throw new InvalidArgumentException("side.restart_multiplier", "must be between 1 and 100, got 0");
    return SideTask.of(
        initial == null ? null : Durations.parse("side.restart_initial_delay", initial),
        max == null ? null : Durations.parse("side.restart_max_delay", max),
        m);
  }

  /** {@code condition:}, {@code depends_on:} (a list of task ids), {@code dependency_window:} and {@code dependency_wait:}. */
  private static Preconditions preconditions(TaskId self, ObjectNode node, Map<String, String> env) {
    List<String> deps = null;
    if (node.has("depends_on")) {
      JsonNode t = node.get("depends_on");
      if (!t.isArray()) throw new InvalidArgumentException("depends_on", "must be a list of task ids");
      deps = new ArrayList<>();
      for (int i = 0; i < t.size(); i++) deps.add(substitute(t.get(i).asText(), env, "depends_on[" + i + "]"));
    }
    return Preconditions.parse(self, text(node, "condition", env), deps, duration(node, "dependency_window", env),
        duration(node, "dependency_wait", env));
  }

  /** {@code on_success: <task id>}, a trigger: with none of cron, after, at and event. */
  private static io.taskgrid.core.task.Trigger onSuccess(TaskId self, ObjectNode node, Map<String, String> env) {
    for (String other : List.of("cron", "after", "at", "event")) {
      if (node.has(other)) throw new InvalidArgumentException("trigger", "set only one of cron, after, at, event and on_success, got " + other + " and on_success");
    }
    return io.taskgrid.coordinator.internal.registry.RegistryCodec.onSuccess(self, text(node, "on_success", env));
  }

  /** The {@code policy:} mapping in its wire form, checked by {@link PolicyMapping#fromProto} as a CreateTask request's is. */
  private static ExecutionPolicy policy(JsonNode node, Map<String, String> env) {
    if (!node.isObject()) {
      throw new InvalidArgumentException("policy", "must be a mapping (known: " + String.join(", ", POLICY_KEYS.stream().sorted().toList()) + ")");
    }
    ObjectNode p = (ObjectNode) node;
    checkKeys(p, "policy.", POLICY_KEYS);
    ExecutionPolicy.Builder b = ExecutionPolicy.newBuilder();
    if (p.has("retry")) b.setRetry(retry(mapping(p, "retry"), env));
    if (p.has("concurrency")) b.setConcurrency(concurrency(mapping(p, "concurrency"), env));
    if (p.has("rate_limit")) b.setRateLimit(rateLimit(mapping(p, "rate_limit"), env));
    String v;
    if ((v = text(p, "circuit_breaker_key", env, "policy.")) != null) {
      if (v.isEmpty()) throw new InvalidArgumentException("policy.circuit_breaker_key", "must not be empty (leave it out for the handler's own breaker)");
      b.setCircuitBreakerKey(v);
    }
    return b.build();
  }

  private static ObjectNode mapping(ObjectNode policy, String key) {
    if (!policy.get(key).isObject()) throw new InvalidArgumentException("policy." + key, "must be a mapping, got " + policy.get(key));
    return (ObjectNode) policy.get(key);
  }

  private static io.taskgrid.proto.v1.RetryPolicy retry(ObjectNode r, Map<String, String> env) {
    String f = "policy.retry.";
    checkKeys(r, f, RETRY_KEYS);
    io.taskgrid.proto.v1.RetryPolicy.Builder rb = io.taskgrid.proto.v1.RetryPolicy.newBuilder();
    String v;
    if ((v = text(r, "max_attempts", env, f)) != null) rb.setMaxAttempts(integer(f + "max_attempts", v));
    if ((v = text(r, "initial_delay", env, f)) != null) rb.setInitialDelay(protoDuration(Durations.parse(f + "initial_delay", v)));
    if ((v = text(r, "backoff", env, f)) != null) {
      rb.setBackoff(switch (v.trim().toLowerCase(Locale.ROOT)) {
        case "exponential" -> Backoff.BACKOFF_EXPONENTIAL;
        case "fixed" -> Backoff.BACKOFF_FIXED;
        default -> throw new InvalidArgumentException(f + "backoff", "must be exponential or fixed, got " + InvalidArgumentException.quote(v));
      });
    }
    if ((v = text(r, "multiplier", env, f)) != null) rb.setMultiplier(number(f + "multiplier", v));
    if ((v = text(r, "max_delay", env, f)) != null) rb.setMaxDelay(protoDuration(Durations.parse(f + "max_delay", v)));
    if ((v = text(r, "jitter", env, f)) != null) rb.setJitter(number(f + "jitter", v));
    if ((v = text(r, "max_duration", env, f)) != null) rb.setMaxDuration(protoDuration(Durations.parse(f + "max_duration", v)));
    if (r.has("non_retryable_errors")) {
      JsonNode list = r.get("non_retryable_errors");
      if (!list.isArray()) throw new InvalidArgumentException(f + "non_retryable_errors", "must be a list");
      for (int i = 0; i < list.size(); i++) rb.addNonRetryableErrors(substitute(list.get(i).asText(), env, f + "non_retryable_errors[" + i + "]"));
    }
    return rb.build();
  }

  /**
   * Zero is not written to the wire for {@code limit} and {@code max_queued}: there it means the
   * default, and the file's reader would be surprised to get 1 for a 0 they wrote.
   */
  private static io.taskgrid.proto.v1.ConcurrencyPolicy concurrency(ObjectNode c, Map<String, String> env) {
    String f = "policy.concurrency.";
    checkKeys(c, f, CONCURRENCY_KEYS);
    io.taskgrid.proto.v1.ConcurrencyPolicy.Builder cb = io.taskgrid.proto.v1.ConcurrencyPolicy.newBuilder();
    String v;
    if ((v = text(c, "key", env, f)) != null) cb.setKey(v);
    if ((v = text(c, "limit", env, f)) != null) cb.setLimit(positive(f + "limit", v, io.taskgrid.core.policy.ConcurrencyPolicy.MAX_LIMIT));
    if ((v = text(c, "overlap", env, f)) != null) {
      cb.setOverlap(switch (v.trim().toLowerCase(Locale.ROOT)) {
        case "allow" -> OverlapPolicy.OVERLAP_POLICY_ALLOW;
        case "skip" -> OverlapPolicy.OVERLAP_POLICY_SKIP;
        case "queue" -> OverlapPolicy.OVERLAP_POLICY_QUEUE;
        case "replace" -> OverlapPolicy.OVERLAP_POLICY_REPLACE;
        default -> throw new InvalidArgumentException(f + "overlap", "must be allow, skip, queue or replace, got " + InvalidArgumentException.quote(v));
      });
    }
    if ((v = text(c, "max_queued", env, f)) != null) cb.setMaxQueued(positive(f + "max_queued", v, io.taskgrid.core.policy.ConcurrencyPolicy.MAX_QUEUED));
    return cb.build();
  }

  private static io.taskgrid.proto.v1.RateLimitPolicy rateLimit(ObjectNode r, Map<String, String> env) {
    String f = "policy.rate_limit.";
    checkKeys(r, f, RATE_LIMIT_KEYS);
    if (!r.has("limit")) throw new InvalidArgumentException(f + "limit", "must be set (starts allowed per period)");
    io.taskgrid.proto.v1.RateLimitPolicy.Builder rb = io.taskgrid.proto.v1.RateLimitPolicy.newBuilder();
    String v;
    if ((v = text(r, "key", env, f)) != null) rb.setKey(v);
    if ((v = text(r, "limit", env, f)) != null) rb.setLimit(positive(f + "limit", v, io.taskgrid.core.policy.RateLimitPolicy.MAX_LIMIT));
    if ((v = text(r, "period", env, f)) != null) {
      Duration period = Durations.parse(f + "period", v);
      // On the wire a zero period means the default of 1 s; written in the file it is a mistake.
      if (period.isZero()) throw new InvalidArgumentException(f + "period", "must be between 1ms and 1d, got " + InvalidArgumentException.quote(v));
      rb.setPeriod(protoDuration(period));
    }
    if ((v = text(r, "window", env, f)) != null) {
      rb.setWindow(switch (v.trim().toLowerCase(Locale.ROOT)) {
        case "sliding" -> RateWindow.RATE_WINDOW_SLIDING;
        case "fixed" -> RateWindow.RATE_WINDOW_FIXED;
        default -> throw new InvalidArgumentException(f + "window", "must be sliding or fixed, got " + InvalidArgumentException.quote(v));
      });
    }
    if ((v = text(r, "on_excess", env, f)) != null) {
      rb.setOnExcess(switch (v.trim().toLowerCase(Locale.ROOT)) {
        case "delay" -> RateExcess.RATE_EXCESS_DELAY;
        case "drop" -> RateExcess.RATE_EXCESS_DROP;
        default -> throw new InvalidArgumentException(f + "on_excess", "must be delay or drop, got " + InvalidArgumentException.quote(v));
      });
    }
    return rb.build();
  }

  private static void checkKeys(ObjectNode node, String prefix, Set<String> known) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        throw new InvalidArgumentException(prefix + key, "is not a field here (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
      }
    }
  }

  private static String text(ObjectNode node, String key, Map<String, String> env, String prefix) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) return null;
    if (v.isContainerNode()) throw new InvalidArgumentException(prefix + key, "must be a single value, got " + v);
    return substitute(v.asText(), env, prefix + key);
  }

  private static int integer(String field, String v) {
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException(field, "must be a whole number, got " + InvalidArgumentException.quote(v));
    }
  }

  /** A whole number of at least 1: on the wire 0 means the default, so a 0 in the file would be read as something else. */
  private static int positive(String field, String v, int max) {
    int n = integer(field, v);
    if (n < 1) throw new InvalidArgumentException(field, "must be between 1 and " + max + ", got " + n);
    return n;
  }

  private static double number(String field, String v) {
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException(field, "must be a number, got " + InvalidArgumentException.quote(v));
    }
  }

  private static com.google.protobuf.Duration protoDuration(Duration d) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }

  private static String text(ObjectNode node, String key, Map<String, String> env) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) return null;
    if (v.isContainerNode()) throw new InvalidArgumentException(key, "must be a single value, got " + v);
    return substitute(v.asText(), env, key);
  }

  private static Boolean bool(ObjectNode node, String key, Map<String, String> env) {
    String v = text(node, key, env);
    if (v == null) return null;
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw new InvalidArgumentException(key, "must be true or false, got " + InvalidArgumentException.quote(v));
    };
  }

  private static Duration duration(ObjectNode node, String key, Map<String, String> env) {
    String v = text(node, key, env);
    return v == null ? null : Durations.parse(key, v);
  }

  private static Priority priority(ObjectNode node, Map<String, String> env) {
    String v = text(node, "priority", env);
    if (v == null) return null;
    try {
      return Priority.valueOf(v.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("priority", "must be critical, high, medium, low or background, got " + InvalidArgumentException.quote(v));
    }
  }

  private static JsonNode substitute(JsonNode value, Map<String, String> env, String field) {
    if (value.isTextual()) return TextNode.valueOf(substitute(value.asText(), env, field));
    if (value.isObject()) {
      ObjectNode copy = ((ObjectNode) value).deepCopy();
      for (var e : value.properties()) copy.set(e.getKey(), substitute(e.getValue(), env, field + "." + e.getKey()));
      return copy;
    }
    if (value.isArray()) {
      var copy = ((com.fasterxml.jackson.databind.node.ArrayNode) value).deepCopy();
      for (int i = 0; i < value.size(); i++) copy.set(i, substitute(value.get(i), env, field + "[" + i + "]"));
      return copy;
    }
    return value;
  }

  static String substitute(String text, Map<String, String> env, String field) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.get(m.group(1));
      if (value == null) value = m.group(2);
      if (value == null) {
        throw new InvalidArgumentException(field, "environment variable " + m.group(1) + " is not set and has no default (write ${" + m.group(1) + ":-default})");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
