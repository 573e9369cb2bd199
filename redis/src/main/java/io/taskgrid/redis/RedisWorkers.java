package io.taskgrid.redis;

import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.core.keyspace.Packed;
import io.taskgrid.core.worker.WorkerDirectory;
import io.taskgrid.core.worker.WorkerPresence;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers' reports of themselves in Redis: per worker a string key {@link Keyspace#worker}
 * holding its {@link WorkerPresence}, packed, that expires after {@link WorkerDirectory#TTL}
 * unless the worker refreshes it, and the set {@link Keyspace#workers} of their ids. Listing
 * is one script call (the set, then one MGET), which also drops the ids whose key expired.
 */
public final class RedisWorkers implements WorkerDirectory {
  private static final Logger log = LoggerFactory.getLogger(RedisWorkers.class);
  private static final String REPORT = script("worker-report.lua");
  private static final String REMOVE = script("worker-remove.lua");
  private static final String LIST = script("worker-list.lua");

  private final RedissonClient redisson;
  private final Keyspace keys;

  public RedisWorkers(RedissonClient redisson, Keyspace keyspace) {
    this.redisson = redisson;
    this.keys = keyspace;
  }

  @Override
  public void report(WorkerPresence p) {
    eval(REPORT, keys.worker(p.workerId()), keys.workers(), p.workerId(), Long.toString(TTL.toMillis()), encode(p));
  }

  @Override
  public void remove(String workerId) {
    eval(REMOVE, keys.worker(workerId), keys.workers(), workerId);
  }

  @Override
  public List<WorkerPresence> list() {
    String reply = eval(LIST, keys.worker(""), keys.workers());
    if (reply == null || reply.isEmpty()) return List.of();
    List<WorkerPresence> out = new ArrayList<>();
    for (String report : Packed.parse(reply.getBytes(StandardCharsets.UTF_8))) {
      try {
        out.add(decode(report));
      } catch (RuntimeException e) { // written by a newer or broken worker: leave it out, list the rest
        log.warn("Ignoring an unreadable worker report: {}", e.toString());
      }
    }
    out.sort(Comparator.comparing(WorkerPresence::workerId));
    return out;
  }

  static String encode(WorkerPresence p) {
    Packed packed = new Packed(128).add(p.workerId()).add(p.host()).add(p.pid()).add(p.concurrency()).add(p.running())
        .add(p.started().toEpochMilli()).add(p.lastSeen().toEpochMilli()).add(p.state().name()).add(p.version())
        .add(p.handlers().size());
    p.handlers().forEach(packed::add);
    return packed.toString();
  }

  static WorkerPresence decode(String packed) {
    List<String> f = Packed.parse(packed.getBytes(StandardCharsets.UTF_8));
    int n = Integer.parseInt(f.get(9));
    if (f.size() < 10 + n) throw new IllegalArgumentException("report has " + f.size() + " fields, expected " + (10 + n));
    return new WorkerPresence(f.get(0), f.get(1), Long.parseLong(f.get(2)), f.subList(10, 10 + n), Integer.parseInt(f.get(3)),
        Integer.parseInt(f.get(4)), Instant.ofEpochMilli(Long.parseLong(f.get(5))), Instant.ofEpochMilli(Long.parseLong(f.get(6))),
        WorkerPresence.State.valueOf(f.get(7)), f.get(8));
  }

  private String eval(String script, String... args) {
    return redisson.getScript(StringCodec.INSTANCE)
        .eval(RScript.Mode.READ_WRITE, script, RScript.ReturnType.VALUE, List.of(), (Object[]) args);
  }

  private static String script(String name) {
    try (InputStream in = RedisWorkers.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("missing resource " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
