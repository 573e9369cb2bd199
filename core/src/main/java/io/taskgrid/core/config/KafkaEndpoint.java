package io.taskgrid.core.config;

import java.util.Properties;

/**
 * Where Kafka is and how to connect to it: what every Kafka client of a coordinator or worker
 * starts from, so all of them use the same servers and the same security.
 *
 * @param bootstrap {@code bootstrap.servers}
 * @param security protocol, credentials and TLS files
 */
public record KafkaEndpoint(String bootstrap, InfraSecurity.Kafka security) {
  public KafkaEndpoint {
    if (bootstrap == null || bootstrap.isBlank()) throw new IllegalArgumentException("bootstrap is required");
    security = security == null ? InfraSecurity.Kafka.PLAINTEXT : security;
  }

  /** Plaintext Kafka at {@code bootstrap}. */
  public static KafkaEndpoint plaintext(String bootstrap) {
    return new KafkaEndpoint(bootstrap, InfraSecurity.Kafka.PLAINTEXT);
  }

  /**
   * New client properties: {@code bootstrap.servers} and the security's properties (see {@link
   * InfraSecurity.Kafka#clientProperties()}); callers add their own settings. Holds secrets: never
   * log it.
   */
  public Properties clientProperties() {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.putAll(security.clientProperties());
    return p;
  }

  /** {@code host:port,… (SASL_SSL)}: for logs. */
  @Override
  public String toString() {
    return bootstrap + " (" + security.protocol() + ")";
  }
}
