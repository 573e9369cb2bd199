package io.taskgrid.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * A registered task as its owner writes it: which handler runs, with what payload, when (its
 * {@link Trigger}) and how it is found again (tags, category, metadata). Immutable and thread-safe;
 * made with {@link #builder(String, String)} and registered with {@link Tasks#create}.
 *
 * <pre>{@code
 * TaskDefinition nightly = TaskDefinition.builder("nightly-report", "reports.nightly")
 *     .cron("0 2 * * *")
 *     .timeZone("Europe/London")
 *     .payloadJson(Map.of("format", "pdf"))
 *     .tags("reports", "finance")
 *     .misfirePolicy(MisfirePolicy.CATCH_UP)
 *     .catchUpWindow(Duration.ofHours(6))
 *     .build();
 * TaskInfo task = client.tasks().create(nightly);
 * }</pre>
 *
 * <p>A definition without a trigger runs only when asked ({@link Tasks#runNow(String)}). The
 * builder rejects only nulls where a value is required, and values that cannot be written at all.
 * The cluster is the authority on everything else (id and handler syntax, the cron expression,
 * the time zone, limits) and answers a bad definition with a {@link
 * TaskgridInvalidArgumentException} naming the field, for example {@code task.trigger.cron}.
 */
public final class TaskDefinition {
  private final String id;
  private final String handler;
  private final String name;
  private final String description;
  private final Payload payload;
  private final Trigger trigger;
  private final String timeZone;
  private final boolean enabled;
  private final List<String> tags;
  private final String category;
  private final Map<String, String> metadata;
  private final MisfirePolicy misfirePolicy;
  private final Duration catchUpWindow;
  private final Duration jitter;
  private final Duration timeout;
  private final Priority priority;
  private final RetryPolicy retry;
  private final ConcurrencyPolicy concurrency;
  private final RateLimitPolicy rateLimit;
  private final String circuitBreakerKey;
  private final SideTask side;
  private final Gates gates;

  private TaskDefinition(Builder b) {
    this.side = b.side;
    this.gates = b.gates;
    this.retry = b.retry;
    this.concurrency = b.concurrency;
    this.rateLimit = b.rateLimit;
    this.circuitBreakerKey = b.circuitBreakerKey;
    this.id = b.id;
    this.handler = b.handler;
    this.name = b.name;
    this.description = b.description;
    this.payload = b.payload;
    this.trigger = b.trigger;
    this.timeZone = b.timeZone;
    this.enabled = b.enabled;
    this.tags = List.copyOf(b.tags);
    this.category = b.category;
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(b.metadata));
    this.misfirePolicy = b.misfirePolicy;
    this.catchUpWindow = b.catchUpWindow;
    this.jitter = b.jitter;
    this.timeout = b.timeout;
    this.priority = b.priority;
  }

  /**
   * Starts a definition.
   *
   * @param id the task's unique id, chosen by its owner: 1 to 200 characters, a letter or digit
   *     first, then letters, digits and {@code . _ - : /}
   * @param handler the name the handler is registered under on the workers
   * @return a builder with no trigger (on demand only), an empty payload, enabled, MEDIUM priority
   *     and the cluster's defaults for everything else
   * @throws NullPointerException when {@code id} or {@code handler} is null
   */
  public static Builder builder(String id, String handler) {
    return new Builder(id, handler);
  }

  /**
   * A builder holding this definition, to derive a changed one, for example for {@link
   * Tasks#update(TaskDefinition, long)}.
   *
   * @return a new builder with every value of this definition
   */
  public Builder toBuilder() {
    Builder b = new Builder(id, handler);
    b.name = name;
    b.description = description;
    b.payload = payload;
    b.trigger = trigger;
    b.timeZone = timeZone;
    b.enabled = enabled;
    b.tags.addAll(tags);
    b.category = category;
    b.metadata.putAll(metadata);
    b.misfirePolicy = misfirePolicy;
    b.catchUpWindow = catchUpWindow;
    b.jitter = jitter;
    b.timeout = timeout;
    b.priority = priority;
    b.retry = retry;
    b.concurrency = concurrency;
    b.rateLimit = rateLimit;
    b.circuitBreakerKey = circuitBreakerKey;
    b.side = side;
    b.gates = gates;
    return b;
  }

  /**
   * The task's id.
   *
   * @return the id given to {@link #builder(String, String)}
   */
  public String id() {
    return id;
  }

  /**
   * The handler that runs on each fire.
   *
   * @return the handler name
   */
  public String handler() {
    return handler;
  }

  /**
   * The human-readable name.
   *
   * @return the name, or empty when none was set (the cluster then shows the id)
   */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /**
   * The free-text description.
   *
   * @return the description, or empty when none was set
   */
  public Optional<String> description() {
    return Optional.ofNullable(description);
  }

  /**
   * The input of the handler for every execution, unless {@link Tasks#runNow(String, Payload)}
   * gives another.
   *
   * @return the payload; {@link Payload#empty()} by default
   */
  public Payload payload() {
    return payload;
  }

  /**
   * When the task runs by itself.
   *
   * @return the trigger; {@link Trigger.OnDemand} when none was set
   */
  public Trigger trigger() {
    return trigger;
  }

  /**
   * The IANA time zone in which a cron expression and a local {@code at} time are read.
   *
   * @return the zone id, for example {@code Europe/London}, or empty for the cluster's default
   *     zone (UTC unless configured)
   */
  public Optional<String> timeZone() {
    return Optional.ofNullable(timeZone);
  }

  /**
   * Whether the trigger is scheduled. A disabled task is stored, never fires by itself, and can
   * still be run with {@link Tasks#runNow(String)}.
   *
   * @return true by default
   */
  public boolean enabled() {
    return enabled;
  }

  /**
   * The tags, to filter by with {@link TaskQuery#withTag(String)}.
   *
   * @return an unmodifiable list, empty by default
   */
  public List<String> tags() {
    return tags;
  }

  /**
   * The category, to filter by with {@link TaskQuery#withCategory(String)}.
   *
   * @return the category, or empty when none was set
   */
  public Optional<String> category() {
    return Optional.ofNullable(category);
  }

  /**
   * Free-form metadata kept with the task.
   *
   * @return an unmodifiable map in the order entries were added, empty by default
   */
  public Map<String, String> metadata() {
    return metadata;
  }

  /**
   * What happens to fires missed while no coordinator was leading.
   *
   * @return the policy; {@link MisfirePolicy#FIRE_ONCE} by default
   */
  public MisfirePolicy misfirePolicy() {
    return misfirePolicy;
  }

  /**
   * For {@link MisfirePolicy#CATCH_UP}: how far back missed fires are still run.
   *
   * @return the window, or empty for the cluster's default (1 hour)
   */
  public Optional<Duration> catchUpWindow() {
    return Optional.ofNullable(catchUpWindow);
  }

  /**
   * The upper bound of the random delay added to each fire to spread load.
   *
   * @return the bound, or empty for no jitter
   */
  public Optional<Duration> jitter() {
    return Optional.ofNullable(jitter);
  }

  /**
   * The time limit of one attempt of each execution.
   *
   * @return the limit, or empty for the cluster's default
   */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /**
   * The priority of each execution.
   *
   * @return the priority; MEDIUM by default
   */
  public Priority priority() {
    return priority;
  }

  /**
   * What happens when an attempt of an execution fails.
   *
   * @return the retry policy, or empty for the handler's default on its workers
   */
  public Optional<RetryPolicy> retry() {
    return Optional.ofNullable(retry);
  }

  /**
   * How many of this task's executions run at once, cluster-wide, and what happens to a fire that
   * finds the limit reached (for example skipped while the previous run is still running).
   *
   * @return the policy, or empty for the handler's default on its workers (no limit unless set
   *     there)
   */
  public Optional<ConcurrencyPolicy> concurrency() {
    return Optional.ofNullable(concurrency);
  }

  /**
   * How many of this task's executions start per period, cluster-wide.
   *
   * @return the policy, or empty for the handler's default on its workers (no limit unless set
   *     there)
   */
  public Optional<RateLimitPolicy> rateLimit() {
    return Optional.ofNullable(rateLimit);
  }

  /**
   * The key of the circuit breaker that guards this task's executions: the handler's breaker for
   * this key instead of the handler's own.
   *
   * @return the key, or empty for the handler's own breaker
   */
  public Optional<String> circuitBreakerKey() {
    return Optional.ofNullable(circuitBreakerKey);
  }

  /**
   * Whether this is a side task (one long-running instance in the cluster) and how it restarts.
   *
   * @return the restart policy of a side task, or empty for an ordinary task
   */
  public Optional<SideTask> side() {
    return Optional.ofNullable(side);
  }

  /**
   * The run condition checked on the worker before each execution's handler.
   *
   * @return the name of a condition registered on the workers, or empty for none
   */
  public Optional<String> condition() {
    return Optional.ofNullable(gates.condition());
  }

  /**
   * The tasks whose latest execution must have succeeded, within {@link #dependencyWindow()}, for
   * an execution of this task to run its handler.
   *
   * @return their ids, in the order given; empty for none
   */
  public List<String> dependsOn() {
    return gates.dependsOn();
  }

  /**
   * How recently a dependency's latest execution must have finished.
   *
   * @return the window, or empty for the cluster's default (1 day)
   */
  public Optional<Duration> dependencyWindow() {
    return Optional.ofNullable(gates.window());
  }

  /**
   * How long an execution waits for a dependency whose latest execution is still running.
   *
   * @return the wait, or empty for none
   */
  public Optional<Duration> dependencyWait() {
    return Optional.ofNullable(gates.waitFor());
  }

  /** Equal when every value is equal, payload bytes by content. */
  @Override
  public boolean equals(Object o) {
    return o instanceof TaskDefinition d
        && id.equals(d.id)
        && handler.equals(d.handler)
        && Objects.equals(name, d.name)
        && Objects.equals(description, d.description)
        && payload.equals(d.payload)
        && trigger.equals(d.trigger)
        && Objects.equals(timeZone, d.timeZone)
        && enabled == d.enabled
        && tags.equals(d.tags)
        && Objects.equals(category, d.category)
        && metadata.equals(d.metadata)
        && misfirePolicy == d.misfirePolicy
        && Objects.equals(catchUpWindow, d.catchUpWindow)
        && Objects.equals(jitter, d.jitter)
        && Objects.equals(timeout, d.timeout)
        && priority == d.priority
        && Objects.equals(retry, d.retry)
        && Objects.equals(concurrency, d.concurrency)
        && Objects.equals(rateLimit, d.rateLimit)
        && Objects.equals(circuitBreakerKey, d.circuitBreakerKey)
        && Objects.equals(side, d.side)
        && gates.equals(d.gates);
  }

  /** Hashes every value, payload bytes by content. */
  @Override
  public int hashCode() {
    return Objects.hash(id, handler, name, description, payload, trigger, timeZone, enabled, tags, category, metadata,
        misfirePolicy, catchUpWindow, jitter, timeout, priority, retry, concurrency, rateLimit, circuitBreakerKey, side, gates);
  }

  /** The id, handler, trigger and the values that differ from the defaults; not the payload bytes. */
  @Override
  public String toString() {
    StringJoiner s = new StringJoiner(", ", "TaskDefinition[", "]");
    s.add("id=" + id).add("handler=" + handler).add("trigger=" + trigger);
    if (timeZone != null) s.add("timeZone=" + timeZone);
    if (name != null) s.add("name=" + name);
    if (payload.size() > 0) s.add("payload=" + payload.size() + " bytes " + payload.contentType());
    if (!enabled) s.add("enabled=false");
    if (!tags.isEmpty()) s.add("tags=" + tags);
    if (category != null) s.add("category=" + category);
    if (!metadata.isEmpty()) s.add("metadata=" + metadata);
    if (misfirePolicy != MisfirePolicy.FIRE_ONCE) s.add("misfirePolicy=" + misfirePolicy);
    if (catchUpWindow != null) s.add("catchUpWindow=" + catchUpWindow);
    if (jitter != null) s.add("jitter=" + jitter);
    if (timeout != null) s.add("timeout=" + timeout);
    if (priority != Priority.MEDIUM) s.add("priority=" + priority);
    if (retry != null) s.add("retry=" + retry);
    if (concurrency != null) s.add("concurrency=" + concurrency);
    if (rateLimit != null) s.add("rateLimit=" + rateLimit);
    if (circuitBreakerKey != null) s.add("circuitBreakerKey=" + circuitBreakerKey);
    if (side != null) s.add("side=" + side);
    if (!gates.equals(Gates.NONE)) s.add("preconditions=" + gates);
    return s.toString();
  }

  /** The run condition and dependencies, kept together (null: not set). */
  private record Gates(String condition, List<String> dependsOn, Duration window, Duration waitFor) {
    static final Gates NONE = new Gates(null, List.of(), null, null);

    Gates {
      dependsOn = List.copyOf(dependsOn);
    }
  }

  /**
   * Builds a {@link TaskDefinition}. Not thread-safe; {@link #build()} may be called repeatedly.
   *
   * <p>The trigger setters ({@link #cron}, {@link #after(String)}, {@link #at(String)}, {@link
   * #onEvent}, {@link #onDemand}) replace each other: the last one called wins. Setters of
   * optional values ({@link #name}, {@link #description}, {@link #timeZone(String)}, {@link
   * #category}, {@link #catchUpWindow}, {@link #jitter}, {@link #timeout}, the policies and
   * {@link #circuitBreakerKey}) take null or an empty
   * string to mean "not set"; every other argument must not be null.
   */
  public static final class Builder {
    private final String id;
    private final String handler;
    private String name;
    private String description;
    private Payload payload = Payload.empty();
    private Trigger trigger = new Trigger.OnDemand();
    private String timeZone;
    private boolean enabled = true;
    private final List<String> tags = new ArrayList<>();
    private String category;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private MisfirePolicy misfirePolicy = MisfirePolicy.FIRE_ONCE;
    private Duration catchUpWindow;
    private Duration jitter;
    private Duration timeout;
    private Priority priority = Priority.MEDIUM;
    private RetryPolicy retry;
    private ConcurrencyPolicy concurrency;
    private RateLimitPolicy rateLimit;
    private String circuitBreakerKey;
    private SideTask side;
    private Gates gates = Gates.NONE;

    private Builder(String id, String handler) {
      this.id = Objects.requireNonNull(id, "id");
      this.handler = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Sets the human-readable name (at most 200 characters). Not set: the cluster shows the id.
     *
     * @param name the name, or null for none
     * @return this builder
     */
    public Builder name(String name) {
      this.name = emptyToNull(name);
      return this;
    }

    /**
     * Sets a free-text description (at most 2,000 characters).
     *
     * @param description the text, or null for none
     * @return this builder
     */
    public Builder description(String description) {
      this.description = emptyToNull(description);
      return this;
    }

    /**
     * Sets the input of the handler for every execution.
     *
     * @param payload the payload
     * @return this builder
     */
    public Builder payload(Payload payload) {
      this.payload = Objects.requireNonNull(payload, "payload");
      return this;
    }

    /**
     * Sets raw payload bytes with their media type.
     *
     * @param data the bytes (copied)
     * @param contentType their media type, for example {@code application/octet-stream}
     * @return this builder
     */
    public Builder payload(byte[] data, String contentType) {
      return payload(Payload.of(data, contentType));
    }

    /**
     * Sets a text payload, encoded as UTF-8 with media type {@code text/plain; charset=utf-8}.
     *
     * @param text the text
     * @return this builder
     */
    public Builder payloadText(String text) {
      return payload(Payload.text(text));
    }

    /**
     * Sets a JSON payload ({@code application/json}), encoding {@code value} with a default Jackson
     * mapper (modules on the class path are registered).
     *
     * @param value the value to encode
     * @return this builder
     * @throws IllegalArgumentException when Jackson cannot encode the value
     */
    public Builder payloadJson(Object value) {
      return payload(Payload.json(value));
    }

    /**
     * Sets a JSON payload ({@code application/json}), encoding {@code value} with the given mapper.
     *
     * @param value the value to encode
     * @param mapper the mapper to encode with
     * @return this builder
     * @throws IllegalArgumentException when Jackson cannot encode the value
     */
    public Builder payloadJson(Object value, ObjectMapper mapper) {
      return payload(Payload.json(value, mapper));
    }

    /**
     * Sets the trigger.
     *
     * @param trigger the trigger; {@link Trigger.OnDemand} for none
     * @return this builder
     */
    public Builder trigger(Trigger trigger) {
      this.trigger = Objects.requireNonNull(trigger, "trigger");
      return this;
    }

    /**
     * Runs the task on a cron schedule, read in the task's {@linkplain #timeZone(String) time
     * zone}. A local time skipped by a daylight-saving jump fires once at the first valid instant
     * after the gap; a local time that occurs twice fires once, at its first occurrence.
     *
     * @param expression 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds
     *     first, for example {@code 0 2 * * *} or {@code 0 0 9 * * MON-FRI}; names, ranges, steps,
     *     lists, {@code L} and {@code #} are allowed, and when both day fields are restricted a day
     *     matching either runs. Or a preset ({@code @yearly}, {@code @monthly}, {@code @weekly},
     *     {@code @daily}, {@code @hourly}, ...) or {@code @every <duration>} ({@code "@every
     *     90s"}, counted from the task's creation)
     * @return this builder
     */
    public Builder cron(String expression) {
      return trigger(new Trigger.Cron(expression));
    }

    /**
     * Runs the task once, this long after it is created.
     *
     * @param delay for example {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d},
     *     {@code 1h30m} or {@code in 5 minutes}
     * @return this builder
     */
    public Builder after(String delay) {
      return trigger(new Trigger.After(delay));
    }

    /**
     * Runs the task once, this long after it is created. The delay is sent in the compact form
     * ({@code 1h30m}, {@code 1s500ms}), to the millisecond; a finer part is dropped.
     *
     * @param delay the delay
     * @return this builder
     * @throws IllegalArgumentException when {@code delay} is negative
     */
    public Builder after(Duration delay) {
      return after(compact(Objects.requireNonNull(delay, "delay")));
    }

    /**
     * Runs the task once, at a time that must be in the future when the task is created.
     *
     * @param time an ISO local date-time read in the task's {@linkplain #timeZone(String) time
     *     zone} ({@code 2026-12-24T18:00}), or an instant with an offset ({@code
     *     2026-12-24T17:00:00Z})
     * @return this builder
     */
    public Builder at(String time) {
      return trigger(new Trigger.At(time));
    }

    /**
     * Runs the task once, at an instant that must be in the future when the task is created.
     *
     * @param time the instant, sent in UTC ({@code 2026-12-24T17:00:00Z})
     * @return this builder
     */
    public Builder at(Instant time) {
      return at(Objects.requireNonNull(time, "time").toString());
    }

    /**
     * Runs the task once, at a local time in a time zone, and sets the task's {@linkplain
     * #timeZone(String) time zone} to that zone. The local date-time is sent ({@code
     * 2026-12-24T18:00}), so the task shows the time as its owner wrote it. When the zone is a
     * fixed offset rather than a region, or the local time occurs twice (a daylight-saving
     * overlap) and {@code time} is its second occurrence, the time is sent with its offset instead
     * so that it means exactly {@code time}; a fixed offset leaves the task's time zone unchanged.
     *
     * @param time the date-time and zone
     * @return this builder
     */
    public Builder at(ZonedDateTime time) {
      Objects.requireNonNull(time, "time");
      if (time.getZone() instanceof ZoneOffset) return at(time.toOffsetDateTime().toString());
      timeZone(time.getZone());
      return time.equals(time.withEarlierOffsetAtOverlap())
          ? at(time.toLocalDateTime().toString())
          : at(time.toOffsetDateTime().toString());
    }

    /**
     * Runs the task on every published event whose name matches a pattern (see {@link
     * Events#publish(String, Payload)}). The execution gets the task's payload; the handler reads
     * the event's name and data from {@code TaskContext.event()}.
     *
     * @param pattern an event name where {@code *} matches any run of characters: {@code
     *     user:*}, {@code audit:*}, {@code *}
     * @return this builder
     */
    public Builder onEvent(String pattern) {
      return trigger(new Trigger.OnEvent(pattern));
    }

    /**
     * Runs the task each time an execution of another registered task succeeds (a workflow step):
     * once per upstream success, with the label {@code taskgrid/upstream} naming the upstream
     * execution. The cluster refuses a chain that loops back (through on-success triggers or
     * {@link #dependsOn}).
     *
     * <pre>{@code
     * TaskDefinition.builder("publish", "site.publish").onSuccess("build").build();
     * }</pre>
     *
     * @param taskId the id of the upstream task
     * @return this builder
     */
    public Builder onSuccess(String taskId) {
      return trigger(new Trigger.OnSuccess(taskId));
    }

    /**
     * Removes the trigger: the task runs only when asked with {@link Tasks#runNow(String)}. The
     * default.
     *
     * @return this builder
     */
    public Builder onDemand() {
      return trigger(new Trigger.OnDemand());
    }

    /**
     * Sets the IANA time zone in which a cron expression and a local {@code at} time are read.
     *
     * @param zoneId for example {@code Europe/London}; null or empty for the cluster's default
     *     zone (UTC unless configured)
     * @return this builder
     */
    public Builder timeZone(String zoneId) {
      this.timeZone = emptyToNull(zoneId);
      return this;
    }

    /**
     * Sets the time zone in which a cron expression and a local {@code at} time are read.
     *
     * @param zone the zone, sent as its id; null for the cluster's default zone
     * @return this builder
     */
    public Builder timeZone(ZoneId zone) {
      return timeZone(zone == null ? null : zone.getId());
    }

    /**
     * Sets whether the trigger is scheduled. False stores the task without scheduling it; it can
     * still be run with {@link Tasks#runNow(String)}.
     *
     * @param enabled true by default
     * @return this builder
     */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /**
     * Replaces the tags: at most 32, each 1 to 63 letters, digits or {@code . _ - : /}.
     *
     * @param tags the tags
     * @return this builder
     */
    public Builder tags(String... tags) {
      return tags(List.of(Objects.requireNonNull(tags, "tags")));
    }

    /**
     * Replaces the tags.
     *
     * @param tags the tags
     * @return this builder
     */
    public Builder tags(Collection<String> tags) {
      List<String> copy = List.copyOf(Objects.requireNonNull(tags, "tags"));
      this.tags.clear();
      this.tags.addAll(copy);
      return this;
    }

    /**
     * Adds one tag.
     *
     * @param tag the tag
     * @return this builder
     */
    public Builder tag(String tag) {
      tags.add(Objects.requireNonNull(tag, "tag"));
      return this;
    }

    /**
     * Sets the category (one value, shaped like a tag).
     *
     * @param category the category, or null for none
     * @return this builder
     */
    public Builder category(String category) {
      this.category = emptyToNull(category);
      return this;
    }

    /**
     * Adds a metadata entry, replacing one of the same key.
     *
     * @param key the key
     * @param value the value
     * @return this builder
     */
    public Builder metadata(String key, String value) {
      metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Replaces all metadata (the same limits as execution labels apply).
     *
     * @param metadata the entries
     * @return this builder
     */
    public Builder metadata(Map<String, String> metadata) {
      Map<String, String> copy = new LinkedHashMap<>();
      Objects.requireNonNull(metadata, "metadata").forEach((k, v) -> copy.put(Objects.requireNonNull(k, "key"), Objects.requireNonNull(v, "value")));
      this.metadata.clear();
      this.metadata.putAll(copy);
      return this;
    }

    /**
     * Retries failed attempts of each execution by this policy; it replaces the handler's default.
     *
     * @param policy the policy, or null for the handler's default
     * @return this builder
     */
    public Builder retry(RetryPolicy policy) {
      this.retry = policy;
      return this;
    }

    /**
     * Limits how many of this task's executions run at once, cluster-wide; it replaces the
     * handler's default. An empty key ({@code ConcurrencyPolicy.key("")}) means the task's id, so
     * every fire of this task shares the limit.
     *
     * <pre>{@code
     * // a fire that finds the previous run still running ends SKIPPED
     * .concurrency(ConcurrencyPolicy.key("").limit(1).overlap(ConcurrencyPolicy.Overlap.SKIP).build())
     * }</pre>
     *
     * @param policy the limit and what happens to an execution over it, or null for the handler's
     *     default
     * @return this builder
     */
    public Builder concurrency(ConcurrencyPolicy policy) {
      this.concurrency = policy;
      return this;
    }

    /**
     * Limits how many of this task's executions start per period, cluster-wide; it replaces the
     * handler's default. Without a key the budget is the handler's, shared with every execution of
     * the handler that has one without a key.
     *
     * @param policy the budget and what happens to an execution over it, or null for the handler's
     *     default
     * @return this builder
     */
    public Builder rateLimit(RateLimitPolicy policy) {
      this.rateLimit = policy;
      return this;
    }

    /**
     * Guards this task's executions with the handler's circuit breaker for this key instead of the
     * handler's own, for example one breaker per tenant or per downstream host. Thresholds are
     * configured per handler on the workers.
     *
     * @param key at most 256 characters, no control characters; null or empty for the handler's
     *     own breaker
     * @return this builder
     */
    public Builder circuitBreakerKey(String key) {
      this.circuitBreakerKey = emptyToNull(key);
      return this;
    }

    /**
     * Makes this a side task: a long-running service of which the cluster runs exactly one
     * instance, on one worker that has the handler, while the task is enabled and not paused. Its
     * handler runs until {@code TaskContext.isCancelled()} (it is also interrupted), and is
     * restarted by {@code policy} when it throws or returns early. A side task has no trigger:
     * leave it on demand.
     *
     * <pre>{@code
     * client.tasks().create(TaskDefinition.builder("inbox-watcher", "inbox.watch")
     *     .side(SideTask.defaults())
     *     .build());
     * }</pre>
     *
     * @param policy the restart policy ({@link SideTask#defaults()}), or null for an ordinary task
     * @return this builder
     */
    public Builder side(SideTask policy) {
      this.side = policy;
      return this;
    }

    /**
     * Names a run condition, registered on the workers with {@code Worker.Builder#condition},
     * checked on the worker just before the handler of each execution's first attempt: when it
     * says skip, the execution ends SKIPPED with the reason it gave; when it throws, FAILED
     * ({@code taskgrid.ConditionFailed}) without retry.
     *
     * <pre>{@code
     * TaskDefinition.builder("reports.hourly", "report.build").cron("0 * * * *").condition("business-hours").build();
     * }</pre>
     *
     * @param name the condition's name, or null for none
     * @return this builder
     */
    public Builder condition(String name) {
      gates = new Gates(emptyToNull(name), gates.dependsOn(), gates.window(), gates.waitFor());
      return this;
    }

    /**
     * Makes each execution run its handler only when the latest execution of each of these tasks
     * SUCCEEDED within the {@link #dependencyWindow dependency window}; otherwise it ends SKIPPED
     * with reason {@code dependency_not_met:<task id>}. Replaces earlier dependencies. The cluster
     * refuses a task that depends on itself or closes a cycle with other tasks' dependencies.
     *
     * <pre>{@code
     * TaskDefinition.builder("load", "etl.load").cron("30 2 * * *")
     *     .dependsOn(List.of("extract")).dependencyWindow(Duration.ofHours(6)).dependencyWait(Duration.ofMinutes(10)).build();
     * }</pre>
     *
     * @param taskIds ids of registered tasks (at most 32, no duplicates); empty for none
     * @return this builder
     */
    public Builder dependsOn(List<String> taskIds) {
      List<String> ids = new ArrayList<>();
      Objects.requireNonNull(taskIds, "taskIds").forEach(t -> ids.add(Objects.requireNonNull(t, "task id")));
      gates = new Gates(gates.condition(), ids, gates.window(), gates.waitFor());
      return this;
    }

    /**
     * How recently a dependency's latest execution must have finished (only with {@link
     * #dependsOn}).
     *
     * @param window at most 31 days, or null for the cluster's default (1 day)
     * @return this builder
     */
    public Builder dependencyWindow(Duration window) {
      gates = new Gates(gates.condition(), gates.dependsOn(), window, gates.waitFor());
      return this;
    }

    /**
     * How long an execution waits for a dependency whose latest execution is still pending or
     * running before deciding (only with {@link #dependsOn}). The wait counts toward the attempt's
     * timeout.
     *
     * @param wait at most 1 hour, or null for no wait
     * @return this builder
     */
    public Builder dependencyWait(Duration wait) {
      gates = new Gates(gates.condition(), gates.dependsOn(), gates.window(), wait);
      return this;
    }

    /**
     * Sets what happens to fires missed while no coordinator was leading.
     *
     * @param policy {@link MisfirePolicy#FIRE_ONCE} by default
     * @return this builder
     */
    public Builder misfirePolicy(MisfirePolicy policy) {
      this.misfirePolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * For {@link MisfirePolicy#CATCH_UP}: how far back missed fires are still run. The cluster
     * rejects it with any other policy.
     *
     * @param window the window, or null for the cluster's default (1 hour)
     * @return this builder
     */
    public Builder catchUpWindow(Duration window) {
      this.catchUpWindow = window;
      return this;
    }

    /**
     * Delays each fire by a random time between zero and this bound, the same for a given fire on
     * every coordinator, to spread load.
     *
     * @param jitter the bound, or null for no jitter
     * @return this builder
     */
    public Builder jitter(Duration jitter) {
      this.jitter = jitter;
      return this;
    }

    /**
     * Sets the time limit of one attempt of each execution.
     *
     * @param timeout the limit, or null for the cluster's default
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /**
     * Sets the priority of each execution.
     *
     * @param priority MEDIUM by default
     * @return this builder
     */
    public Builder priority(Priority priority) {
      this.priority = Objects.requireNonNull(priority, "priority");
      return this;
    }

    /**
     * Builds the definition.
     *
     * @return an immutable definition
     */
    public TaskDefinition build() {
      return new TaskDefinition(this);
    }

    private static String emptyToNull(String s) {
      return s == null || s.isEmpty() ? null : s;
    }

    /** {@code 1d2h3m4s500ms}, omitting zero parts; the form the cluster documents for {@code after}. */
    private static String compact(Duration d) {
      if (d.isNegative()) throw new IllegalArgumentException("delay must not be negative, got " + d);
      // from seconds and nanos, not toMillis(): that overflows on very long durations, which the cluster rejects by name
      long seconds = d.getSeconds();
      long ms = d.getNano() / 1_000_000;
      if (seconds == 0 && ms == 0) return "0s";
      StringBuilder s = new StringBuilder();
      long[] sizes = {86_400, 3_600, 60, 1};
      String[] units = {"d", "h", "m", "s"};
      for (int i = 0; i < sizes.length; i++) {
        if (seconds >= sizes[i]) {
          s.append(seconds / sizes[i]).append(units[i]);
          seconds %= sizes[i];
        }
      }
      if (ms > 0) s.append(ms).append("ms");
      return s.toString();
    }
  }
}
