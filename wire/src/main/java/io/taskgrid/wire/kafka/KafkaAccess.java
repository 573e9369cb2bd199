package io.taskgrid.wire.kafka;

import io.taskgrid.core.config.ConfigException;
import io.taskgrid.core.config.InfraSecurity;
import io.taskgrid.core.config.KafkaEndpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Kafka accepts this process's security settings, asked once at start: a wrong password
 * or an untrusted certificate fails the start with an error naming the setting, instead of clients
 * that retry forever in the background.
 */
public final class KafkaAccess {
  private static final Logger log = LoggerFactory.getLogger(KafkaAccess.class);

  private KafkaAccess() {}

  /**
   * Asks the brokers to describe the cluster, waiting up to {@code timeout}. Throws a {@link
   * ConfigException} naming the setting when Kafka rejects the credentials or the TLS handshake;
   * when Kafka does not answer in time, logs that and returns (the clients keep trying, as they do
   * without security).
   */
  public static void verify(KafkaEndpoint kafka, String clientId, Duration timeout) {
    Properties p = kafka.clientProperties();
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 10_000));
    try (Admin admin = Admin.create(p)) {
      admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis())).nodes()
          .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Optional<ConfigException> rejected = rejectedSettings(kafka, e.getCause());
      if (rejected.isPresent()) throw rejected.get();
      log.warn("Kafka at {} did not describe the cluster at start ({}); clients keep trying", kafka, e.getCause().toString());
    } catch (TimeoutException e) {
      log.warn("Kafka at {} did not answer within {} at start; clients keep trying (is {} right?)", kafka, timeout,
          InfraSecurity.KAFKA_SECURITY_PROTOCOL.name());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to Kafka", e);
    }
  }

  /**
   * When {@code error} (or a cause of it) is Kafka refusing this process's credentials or TLS
   * handshake, the {@link ConfigException} that names the setting to fix; empty otherwise. Shows
   * no secret: passwords are masked, files shown by path.
   */
  public static Optional<ConfigException> rejectedSettings(KafkaEndpoint kafka, Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SaslAuthenticationException) {
        String user = kafka.security().sasl().map(InfraSecurity.Sasl::username).orElse("");
        String mechanism = kafka.security().sasl().map(s -> s.mechanism().kafkaName()).orElse("");
        return Optional.of(InfraSecurity.KAFKA_SASL_PASSWORD.invalid("(or " + InfraSecurity.KAFKA_SASL_PASSWORD_FILE.name()
            + ") was rejected by Kafka for " + InfraSecurity.KAFKA_SASL_USERNAME.name() + " '" + user + "' with "
            + InfraSecurity.KAFKA_SASL_MECHANISM.name() + " " + mechanism + " (" + t.getMessage() + ")", "***"));
      }
      if (t instanceof SslAuthenticationException) {
        String ca = kafka.security().tlsCa().map(Path::toString).orElse("the JVM's trusted CAs");
        return Optional.of(InfraSecurity.KAFKA_TLS_CA.invalid("must sign the brokers' certificates, and "
            + InfraSecurity.KAFKA_TLS_CERT.name() + " be trusted by the brokers when they ask for one: the TLS handshake with Kafka failed ("
            + rootMessage(t) + ")", ca));
      }
      if (t instanceof AuthenticationException) {
        return Optional.of(InfraSecurity.KAFKA_SECURITY_PROTOCOL.invalid("and its credentials were rejected by Kafka (" + t.getMessage() + ")",
            kafka.security().protocol()));
      }
    }
    return Optional.empty();
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
