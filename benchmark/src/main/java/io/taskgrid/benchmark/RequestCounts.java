package io.taskgrid.benchmark;

import com.sun.tools.attach.VirtualMachine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Counts of what the cluster asked of its infrastructure: the Kafka broker's requests by type (its
 * {@code kafka.network:type=RequestMetrics,name=RequestsPerSec} meters, read over JMX from the
 * broker's process through the attach API, so the broker needs no JMX port) and redis-server's
 * commands ({@code INFO commandstats}: every command, those a script runs included, and the script
 * calls themselves). A {@link Snapshot} taken before and after a run gives the requests per task.
 */
final class RequestCounts implements AutoCloseable {
  /** Counts at one instant: Kafka requests by type, Redis commands by name. */
  record Snapshot(Map<String, Long> kafka, Map<String, Long> redis) {
    /** What happened between {@code before} and this, by name, in descending order. */
    Snapshot minus(Snapshot before) {
      return new Snapshot(minus(kafka, before.kafka), minus(redis, before.redis));
    }

    long kafkaTotal() {
      return kafka.values().stream().mapToLong(Long::longValue).sum();
    }

    long redisTotal() {
      return redis.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Script calls (EVAL, EVALSHA, FCALL and their read-only forms): the round trips that run scripts. */
    long redisScripts() {
      return redis.entrySet().stream().filter(e -> e.getKey().startsWith("eval") || e.getKey().startsWith("fcall"))
          .mapToLong(Map.Entry::getValue).sum();
    }

    private static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
      Map<String, Long> d = new TreeMap<>();
      after.forEach((k, v) -> {
        long n = v - before.getOrDefault(k, 0L);
        if (n > 0) d.put(k, n);
      });
      Map<String, Long> sorted = new LinkedHashMap<>();
      d.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).forEach(e -> sorted.put(e.getKey(), e.getValue()));
      return sorted;
    }
  }

  private final JMXConnector jmx;
  private final MBeanServerConnection broker;
  private final int redisPort;

  private RequestCounts(JMXConnector jmx, MBeanServerConnection broker, int redisPort) {
    this.jmx = jmx;
    this.broker = broker;
    this.redisPort = redisPort;
  }

  /**
   * Attaches to the broker's JVM ({@code brokerPid}; empty: Kafka requests are not counted, as
   * where the attach API is missing or refused) and reads Redis on {@code redisPort}.
   */
  static RequestCounts open(Optional<Long> brokerPid, int redisPort) {
    JMXConnector connector = null;
    try {
      if (brokerPid.isPresent()) {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(brokerPid.get()));
        try {
          connector = JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
        } finally {
          vm.detach();
        }
        return new RequestCounts(connector, connector.getMBeanServerConnection(), redisPort);
      }
    } catch (Exception | LinkageError e) {
      System.out.println("Kafka requests are not counted: cannot attach to the broker (" + e + ")");
      close(connector);
    }
    return new RequestCounts(null, null, redisPort);
  }

  Snapshot snapshot() {
    return new Snapshot(kafka(), redis());
  }

  private Map<String, Long> kafka() {
    Map<String, Long> counts = new TreeMap<>();
    if (broker == null) return counts;
    try {
      for (ObjectName n : broker.queryNames(new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,*"), null)) {
        Object count = broker.getAttribute(n, "Count");
        String request = n.getKeyProperty("request");
        // FetchConsumer and FetchFollower count again the Fetch requests of consumers and of followers
        if (request == null || request.equals("FetchConsumer") || request.equals("FetchFollower")) continue;
        if (count instanceof Number c) counts.merge(request, c.longValue(), Long::sum);
      }
    } catch (Exception e) {
      System.out.println("Kafka request counts unavailable: " + e);
    }
    return counts;
  }

  private Map<String, Long> redis() {
    Map<String, Long> counts = new TreeMap<>();
    try (Socket s = new Socket("127.0.0.1", redisPort)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write("INFO commandstats\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      String header = in.readLine(); // $<length of the bulk reply>
      if (header == null || !header.startsWith("$")) return counts;
      int left = Integer.parseInt(header.substring(1));
      while (left > 0) {
        String line = in.readLine();
        if (line == null) break;
        left -= line.length() + 2;
        // cmdstat_evalsha:calls=123,usec=...
        if (!line.startsWith("cmdstat_")) continue;
        int colon = line.indexOf(':');
        int calls = line.indexOf("calls=");
        if (colon < 0 || calls < 0) continue;
        int end = line.indexOf(',', calls);
        counts.put(line.substring("cmdstat_".length(), colon), Long.parseLong(line.substring(calls + 6, end < 0 ? line.length() : end)));
      }
    } catch (IOException | RuntimeException e) {
      System.out.println("Redis command counts unavailable: " + e);
    }
    return counts;
  }

  @Override
  public void close() {
    close(jmx);
  }

  private static void close(JMXConnector connector) {
    if (connector == null) return;
    try {
      connector.close();
    } catch (IOException ignored) {
      // the broker may be gone already
    }
  }
}
