package io.taskgrid.redis;

import io.taskgrid.core.breaker.BreakerId;
import io.taskgrid.core.breaker.BreakerState;
import io.taskgrid.core.breaker.BreakerTransition;
import io.taskgrid.core.breaker.SharedBreaker;
import io.taskgrid.core.breaker.SharedBreakers;
import io.taskgrid.core.keyspace.Keyspace;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.redisson.api.RScript;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.BaseStatusListener;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's circuit breakers in Redis. One hash, {@code tg:<namespace>:breakers}, holds per
 * breaker its last transition ({@code s<id>}), times opened ({@code o<id>}) and calls not
 * permitted ({@code d<id>}), where {@code <id>} is {@code US handler US key} (US, the unit
 * separator, cannot occur in handler names or breaker keys). Transitions are published on the
 * channel {@code tg:<namespace>:breakers:transitions}, encoded as the hash stores them.
 *
 * <p>A keyed breaker's fields expire {@code keyedExpiry} after its last use (a transition, a call
 * not permitted, or a call {@link #touch touched}): the sorted set {@code
 * tg:<namespace>:breakers:expiry} scores each by when, every write removes expired ones, and
 * {@link #list} leaves them out. (Redis 6 has no expiry of hash fields.) A handler's own breaker
 * never expires: there is one per handler.
 */
public final class RedisBreakers implements SharedBreakers {
  private static final Logger log = LoggerFactory.getLogger(RedisBreakers.class);
  private static final char US = '\u001f';
  private static final String EXPIRY = script("breaker-expiry.lua");
  private static final String TRANSITION = EXPIRY + script("breaker-transition.lua");
  private static final String NOT_PERMITTED = EXPIRY + script("breaker-not-permitted.lua");
  private static final String TOUCH = EXPIRY + script("breaker-touch.lua");
  private static final String LIST = script("breaker-list.lua");

  private final RedissonClient redisson;
  private final String hash;
  private final String expiry;
  private final String channel;
  private final Clock clock;
  private final Duration keyedExpiry;

  /**
   * @param clock the time expiries count from (the workers' clocks; they need not agree to the ms)
   * @param keyedExpiry how long a keyed breaker's shared state outlives its last use; null for a
   *     {@link #reader}
   */
  public RedisBreakers(RedissonClient redisson, Keyspace keyspace, Clock clock, Duration keyedExpiry) {
    if (keyedExpiry != null && (keyedExpiry.isNegative() || keyedExpiry.isZero())) {
      throw new IllegalArgumentException("keyedExpiry must be positive, got " + keyedExpiry);
    }
    this.redisson = redisson;
    this.hash = keyspace.prefix() + "breakers";
    this.expiry = keyspace.prefix() + "breakers:expiry";
    this.channel = keyspace.prefix() + "breakers:transitions";
    this.clock = clock;
    this.keyedExpiry = keyedExpiry;
  }

  /** One that lists and follows the breakers but never writes (the coordinator's): writing throws. */
  public static RedisBreakers reader(RedissonClient redisson, Keyspace keyspace, Clock clock) {
    return new RedisBreakers(redisson, keyspace, clock, null);
  }

  private long expiryMillis() {
    if (keyedExpiry == null) throw new IllegalStateException("a reader of the circuit breakers does not write them");
    return keyedExpiry.toMillis();
  }

  @Override
  public void publish(BreakerTransition t) {
    long now = clock.millis();
    String expiresAt = t.id().key().isEmpty() ? "" : Long.toString(now + expiryMillis());
    redisson.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, TRANSITION, RScript.ReturnType.LONG,
        List.<Object>of(hash, expiry), channel, field(t.id()), t.state().name(), encode(t), Long.toString(now), expiresAt);
  }

  @Override
  public void addNotPermitted(Map<BreakerId, Long> counts) {
    if (counts.isEmpty()) return;
    long now = clock.millis();
    List<Object> args = new ArrayList<>();
    args.add(Long.toString(now));
    args.add(Long.toString(now + expiryMillis()));
    counts.forEach((id, n) -> {
      args.add(field(id));
      args.add(Long.toString(n));
      args.add(id.key().isEmpty() ? "0" : "1");
    });
    redisson.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, NOT_PERMITTED, RScript.ReturnType.LONG,
        List.<Object>of(hash, expiry), args.toArray());
  }

  @Override
  public void touch(Collection<BreakerId> used) {
    List<BreakerId> keyed = used.stream().filter(id -> !id.key().isEmpty()).toList();
    if (keyed.isEmpty()) return;
    long now = clock.millis();
    List<Object> args = new ArrayList<>();
    args.add(Long.toString(now));
    args.add(Long.toString(now + expiryMillis()));
    keyed.forEach(id -> args.add(field(id)));
    redisson.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, TOUCH, RScript.ReturnType.LONG,
        List.<Object>of(hash, expiry), args.toArray());
  }

  @Override
  public List<SharedBreaker> list() {
    return breakers(pairs(redisson.getScript(StringCodec.INSTANCE).<List<Object>>eval(RScript.Mode.READ_ONLY, LIST,
        RScript.ReturnType.LIST, List.<Object>of(hash, expiry), Long.toString(clock.millis()))));
  }

  private static Map<String, String> pairs(List<Object> flat) {
    Map<String, String> all = new HashMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) all.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
    return all;
  }

  private static List<SharedBreaker> breakers(Map<String, String> all) {
    Map<String, Long> opened = new HashMap<>();
    Map<String, Long> denied = new HashMap<>();
    List<Map.Entry<String, BreakerTransition>> states = new ArrayList<>();
    all.forEach((field, value) -> {
      String id = field.substring(1);
      switch (field.charAt(0)) {
        case 's' -> decode(value).ifPresent(t -> states.add(Map.entry(id, t)));
        case 'o' -> opened.put(id, Long.parseLong(value));
        case 'd' -> denied.put(id, Long.parseLong(value));
        default -> { }
      }
    });
    return states.stream()
        .map(e -> new SharedBreaker(e.getValue(), opened.getOrDefault(e.getKey(), 0L), denied.getOrDefault(e.getKey(), 0L)))
        .sorted(Comparator.comparing((SharedBreaker b) -> b.id().handler()).thenComparing(b -> b.id().key()))
        .toList();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Pub/sub delivers at most once: after Redisson resubscribes (a reconnection), the listener
   * also gets each breaker's last transition, read from the hash, for what it may have missed.
   */
  @Override
  public Subscription subscribe(Consumer<BreakerTransition> listener) {
    Consumer<BreakerTransition> safe = t -> {
      try {
        listener.accept(t);
      } catch (RuntimeException e) {
        log.warn("Circuit breaker transition {} not applied: {}", t, e.toString());
      }
    };
    RTopic topic = redisson.getTopic(channel, StringCodec.INSTANCE);
    int messages = topic.addListener(String.class, (ch, message) -> decode(message).ifPresent(safe));
    int status = topic.addListener(new BaseStatusListener() {
      @Override
      public void onSubscribe(String ch) {
        // asynchronously: this runs on a Redisson thread, which must not wait for Redis
        redisson.getScript(StringCodec.INSTANCE).<List<Object>>evalAsync(RScript.Mode.READ_ONLY, LIST, RScript.ReturnType.LIST,
                List.<Object>of(hash, expiry), Long.toString(clock.millis()))
            .thenAccept(flat -> breakers(pairs(flat)).forEach(b -> safe.accept(b.last())))
            .exceptionally(e -> {
              log.warn("Cannot re-read the circuit breakers after resubscribing: {}", e.toString());
              return null;
            });
      }
    });
    return () -> topic.removeListener(messages, status);
  }

  private static String field(BreakerId id) {
    return "" + US + id.handler() + US + id.key();
  }

  static String encode(BreakerTransition t) {
    return String.join(String.valueOf(US), t.id().handler(), t.id().key(), t.state().name(), Long.toString(t.at().toEpochMilli()),
        t.workerId(), Float.toString(t.failureRate()), Float.toString(t.slowCallRate()));
  }

  /** Empty for a value this version cannot read (written by a newer one), which is skipped. */
  static java.util.Optional<BreakerTransition> decode(String s) {
    String[] p = s.split(String.valueOf(US), -1);
    try {
      return java.util.Optional.of(new BreakerTransition(new BreakerId(p[0], p[1]), BreakerState.valueOf(p[2]),
          Instant.ofEpochMilli(Long.parseLong(p[3])), p[4], Float.parseFloat(p[5]), Float.parseFloat(p[6])));
    } catch (RuntimeException e) {
      log.warn("Skipping an unreadable circuit breaker state: {}", e.toString());
      return java.util.Optional.empty();
    }
  }

  private static String script(String name) {
    try (InputStream in = RedisBreakers.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("missing resource " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
