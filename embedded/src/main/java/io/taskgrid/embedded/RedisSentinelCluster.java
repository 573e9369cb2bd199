package io.taskgrid.embedded;

import io.taskgrid.embedded.internal.Resp;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis with Sentinel, as child processes on free loopback ports: a primary, one replica and three
 * sentinels (quorum 2) monitoring it under {@link #MASTER_NAME}. Tuned to fail over fast: a primary
 * that does not answer for 1 s is down, and a failover that stalls is retried after 3 s.
 *
 * <p>Lifecycle: {@link #start()} returns once every sentinel knows the replica and the two other
 * sentinels, so a failover can succeed at once. {@link #killPrimary()} (SIGKILL) and {@link
 * #awaitFailover} are for failure tests; {@link #close()} stops every process and is idempotent.
 */
public final class RedisSentinelCluster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisSentinelCluster.class);

  /** The name the sentinels monitor the primary under. */
  public static final String MASTER_NAME = "taskgrid";
  private static final int DOWN_AFTER_MS = 1000;
  private static final int FAILOVER_TIMEOUT_MS = 3000;

  /** Data nodes by port: the primary first, then the replica. */
  private final Map<Integer, RedisProcess> nodes = new HashMap<>();
  private final List<RedisProcess> sentinels = new ArrayList<>();
  private final int firstPrimary;
  private boolean closed;

  private RedisSentinelCluster(RedisProcess primary) {
    this.firstPrimary = primary.port();
    nodes.put(primary.port(), primary);
  }

  /** Starts the primary, the replica and three sentinels, and waits until they know each other. */
  public static RedisSentinelCluster start() {
    RedisSentinelCluster cluster = new RedisSentinelCluster(RedisProcess.start());
    try {
      RedisProcess replica = RedisProcess.startReplicaOf(cluster.firstPrimary);
      cluster.nodes.put(replica.port(), replica);
      for (int i = 0; i < 3; i++) {
        cluster.sentinels.add(RedisProcess.startSentinel(List.of(
            "sentinel announce-ip 127.0.0.1",
            "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + cluster.firstPrimary + " 2",
            "sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER_MS,
            "sentinel failover-timeout " + MASTER_NAME + " " + FAILOVER_TIMEOUT_MS,
            "sentinel parallel-syncs " + MASTER_NAME + " 1")));
      }
      // a sentinel learns of replicas from the primary's INFO (every 10 s at first) and of other
      // sentinels through hello messages (every 2 s); a failover before that finds no replica
      cluster.await(Duration.ofSeconds(60), "sentinels that know the replica and each other", cluster::ready);
      log.info("Redis Sentinel ready: primary 127.0.0.1:{}, replica 127.0.0.1:{}, {}", cluster.firstPrimary, replica.port(),
          cluster.sentinelUrl());
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private boolean ready() throws IOException {
    for (RedisProcess s : sentinels) {
      if (((List<?>) Resp.call(s.port(), "SENTINEL", "SENTINELS", MASTER_NAME)).size() != sentinels.size() - 1) return false;
      List<?> replicas = (List<?>) Resp.call(s.port(), "SENTINEL", "REPLICAS", MASTER_NAME);
      if (replicas.size() != 1) return false;
      Map<String, String> replica = fields((List<?>) replicas.get(0));
      if (!"slave".equals(replica.get("flags")) || !"ok".equals(replica.get("master-link-status"))) return false;
    }
    return true;
  }

  private static Map<String, String> fields(List<?> flat) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) m.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
    return m;
  }

  /** {@code redis-sentinel://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3/taskgrid}, the value of TASKGRID_REDIS_URL. */
  public String sentinelUrl() {
    return "redis-sentinel://" + sentinels.stream().map(s -> "127.0.0.1:" + s.port()).collect(Collectors.joining(",")) + "/"
        + MASTER_NAME;
  }

  /** The port of the primary as the first sentinel that answers sees it. */
  public int primaryPort() {
    for (RedisProcess s : sentinels) {
      try {
        List<?> addr = (List<?>) Resp.call(s.port(), "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
        return Integer.parseInt(String.valueOf(addr.get(1)));
      } catch (IOException | RuntimeException e) {
        // ask the next one
      }
    }
    throw new IllegalStateException("no sentinel answers");
  }

  /** SIGKILLs the current primary, as a crash of its machine would; returns its port. */
  public int killPrimary() {
    int port = primaryPort();
    nodes.get(port).kill();
    log.info("Killed the Redis primary 127.0.0.1:{}", port);
    return port;
  }

  /**
   * Waits until every sentinel names a primary other than {@code formerPort} and that primary
   * accepts writes; returns its port.
   */
  public int awaitFailover(int formerPort, Duration timeout) {
    await(timeout, "a new primary in place of 127.0.0.1:" + formerPort, () -> {
      for (RedisProcess s : sentinels) {
        List<?> addr = (List<?>) Resp.call(s.port(), "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
        if (Integer.parseInt(String.valueOf(addr.get(1))) == formerPort) return false;
      }
      return String.valueOf(Resp.call(primaryPort(), "ROLE")).startsWith("[master");
    });
    return primaryPort();
  }

  private interface Check {
    boolean holds() throws IOException;
  }

  private void await(Duration timeout, String what, Check check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (check.holds()) return;
      } catch (IOException | RuntimeException e) {
        // not yet: a server is starting, or a sentinel is between states
      }
      if (System.nanoTime() > deadline) throw new IllegalStateException("no " + what + " within " + timeout);
      try {
        Thread.sleep(100); // polling child processes; they have no way to notify us
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** Stops every sentinel and data node and deletes their directories. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    for (RedisProcess s : sentinels) s.close();
    for (RedisProcess n : nodes.values()) n.close();
  }
}
