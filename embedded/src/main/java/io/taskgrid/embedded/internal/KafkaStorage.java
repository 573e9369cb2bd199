package io.taskgrid.embedded.internal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * Configuration and storage formatting of a single-node KRaft cluster (broker and controller in
 * one process), shared by the in-JVM broker and the child-process broker.
 */
public final class KafkaStorage {
  public static final int NODE_ID = 1;

  private KafkaStorage() {}

  /** Server properties for one combined node listening on {@code port}, controller on {@code controllerPort}. */
  public static Properties serverProperties(Path logDir, int port, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "false");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("group.min.session.timeout.ms", "1000");
    p.put("group.consumer.min.session.timeout.ms", "1000");
    p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
    p.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
    p.put("message.max.bytes", Integer.toString(16 * 1024 * 1024));
    p.put("replica.fetch.max.bytes", Integer.toString(16 * 1024 * 1024));
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "4");
    p.put("background.threads", "2");
    p.put("log.cleaner.threads", "1");
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
    return p;
  }

  /** Formats {@code logDir} for a new cluster, as {@code kafka-storage.sh format} would. */
  public static String format(Path logDir, int controllerPort) {
    return format(logDir, controllerPort, List.of());
  }

  /**
   * Formats {@code logDir} for a new cluster with SCRAM credentials in its first metadata, as
   * {@code kafka-storage.sh format --add-scram 'SCRAM-SHA-256=[name=alice,password=secret]'} would.
   */
  public static String format(Path logDir, int controllerPort, List<String> scramArguments) {
    String clusterId = Uuid.randomUuid().toString();
    try {
      new Formatter()
          .setPrintStream(new PrintStream(java.io.OutputStream.nullOutputStream()))
          .setNodeId(NODE_ID)
          .setClusterId(clusterId)
          .setControllerListenerName("CONTROLLER")
          .setMetadataLogDirectory(logDir.toString())
          .setDirectories(List.of(logDir.toString()))
          .setReleaseVersion(MetadataVersion.latestProduction())
          .setHasDynamicQuorum(false)
          .setScramArguments(scramArguments)
          .run();
    } catch (Exception e) {
      throw new IllegalStateException("cannot format Kafka storage in " + logDir + ": " + e, e);
    }
    return clusterId;
  }
}
