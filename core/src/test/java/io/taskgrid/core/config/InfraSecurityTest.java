package io.taskgrid.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfraSecurityTest {
  private static final String CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  private static final String KEY = "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n";

  @TempDir Path dir;

  private Path file(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) env.put(pairs[i], pairs[i + 1]);
    return env;
  }

  @Test
  void withNothingSetKafkaIsPlaintextAndRedisAsItsUrlSays() {
    InfraSecurity s = InfraSecurity.fromEnvironment(Map.of());
    assertThat(s).isEqualTo(InfraSecurity.NONE);
    assertThat(s.kafka().clientProperties()).containsExactly(Map.entry("security.protocol", "PLAINTEXT"));
    assertThat(s.kafka().secured()).isFalse();
    RedisEndpoint url = RedisEndpoint.parse("TASKGRID_REDIS_URL", "redis://u:p@h:6379");
    assertThat(s.redis().credentials(url)).isEqualTo(url.credentials());
  }

  @Test
  void mapsEverySettingToItsKafkaClientProperty() throws IOException {
    Path ca = file("ca.pem", CERT);
    Path cert = file("cert.pem", CERT);
    Path key = file("key.pem", KEY);
    InfraSecurity s = InfraSecurity.fromEnvironment(env(
        "TASKGRID_KAFKA_SECURITY_PROTOCOL", "sasl_ssl",
        "TASKGRID_KAFKA_SASL_MECHANISM", "SCRAM-SHA-256",
        "TASKGRID_KAFKA_SASL_USERNAME", "taskgrid",
        "TASKGRID_KAFKA_SASL_PASSWORD", "p\"w\\d",
        "TASKGRID_KAFKA_TLS_CA", ca.toString(),
        "TASKGRID_KAFKA_TLS_CERT", cert.toString(),
        "TASKGRID_KAFKA_TLS_KEY", key.toString()));

    assertThat(s.kafka().clientProperties()).containsOnly(
        Map.entry("security.protocol", "SASL_SSL"),
        Map.entry("sasl.mechanism", "SCRAM-SHA-256"),
        Map.entry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"taskgrid\" password=\"p\\\"w\\\\d\";"),
        Map.entry("ssl.truststore.type", "PEM"),
        Map.entry("ssl.truststore.location", ca.toString()),
        Map.entry("ssl.keystore.type", "PEM"),
        Map.entry("ssl.keystore.certificate.chain", CERT),
        Map.entry("ssl.keystore.key", KEY));
  }

  @Test
  void plainUsesThePlainLoginModuleAndScramSha512IsTheDefaultMechanism() {
    var plain = InfraSecurity.fromEnvironment(env("TASKGRID_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "TASKGRID_KAFKA_SASL_MECHANISM", "PLAIN",
        "TASKGRID_KAFKA_SASL_USERNAME", "u", "TASKGRID_KAFKA_SASL_PASSWORD", "pw"));
    assertThat(plain.kafka().clientProperties()).containsEntry("sasl.mechanism", "PLAIN")
        .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"pw\";")
        .doesNotContainKey("ssl.truststore.location");
    var byDefault = InfraSecurity.fromEnvironment(env("TASKGRID_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
        "TASKGRID_KAFKA_SASL_USERNAME", "u", "TASKGRID_KAFKA_SASL_PASSWORD", "pw"));
    assertThat(byDefault.kafka().clientProperties()).containsEntry("sasl.mechanism", "SCRAM-SHA-512");
  }

  @Test
  void readsPasswordsFromFilesWithoutTheTrailingNewline() throws IOException {
    Path kafkaPw = file("kafka-pw", "kafka secret \n");
    Path redisPw = file("redis-pw", "redis-secret\r\n");
    InfraSecurity s = InfraSecurity.fromEnvironment(env("TASKGRID_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "TASKGRID_KAFKA_SASL_USERNAME", "u",
        "TASKGRID_KAFKA_SASL_PASSWORD_FILE", kafkaPw.toString(), "TASKGRID_REDIS_USERNAME", "tg",
        "TASKGRID_REDIS_PASSWORD_FILE", redisPw.toString()));
    assertThat(s.kafka().sasl().orElseThrow().password()).isEqualTo("kafka secret ");
    assertThat(s.redis().password()).contains("redis-secret");
    assertThat(s.redis().credentials(RedisEndpoint.parse("TASKGRID_REDIS_URL", "rediss://h:6380")))
        .contains(new RedisEndpoint.Credentials("tg", "redis-secret"));
  }

  @Test
  void appliesThePropertiesFileOverTheOtherSettings() throws IOException {
    Path props = file("client.properties", "security.protocol=SSL\nssl.endpoint.identification.algorithm=\nclient.dns.lookup=use_all_dns_ips\n");
    InfraSecurity s = InfraSecurity.fromEnvironment(env("TASKGRID_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "TASKGRID_KAFKA_SASL_USERNAME", "u",
        "TASKGRID_KAFKA_SASL_PASSWORD", "pw", "TASKGRID_KAFKA_PROPERTIES_FILE", props.toString()));
    Map<String, Object> p = s.kafka().clientProperties();
    assertThat(p).containsEntry("security.protocol", "SSL").containsEntry("ssl.endpoint.identification.algorithm", "")
        .containsEntry("client.dns.lookup", "use_all_dns_ips").containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    assertThat(s.kafka().secured()).isTrue();
    assertThat(new KafkaEndpoint("k:9093", s.kafka()).clientProperties()).containsEntry("bootstrap.servers", "k:9093")
        .containsEntry("security.protocol", "SSL");
  }

  @Test
  void rejectsBadCombinationsNamingTheVariable() throws IOException {
    Path ca = file("ca.pem", CERT);
    Path pw = file("pw", "x");
    Path props = file("p.properties", "bootstrap.servers=elsewhere:9092\n");
    assertRejected(env("TASKGRID_KAFKA_SECURITY_PROTOCOL", "TLS"), "TASKGRID_KAFKA_SECURITY_PROTOCOL must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL");
    assertRejected(env("TASKGRID_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "TASKGRID_KAFKA_SASL_MECHANISM", "GSSAPI",
        "TASKGRID_KAFKA_SASL_USERNAME", "u", "TASKGRID_KAFKA_SASL_PASSWORD", "pw"), "TASKGRID_KAFKA_SASL_MECHANISM must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
    assertRejected(env("TASKGRID_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "TASKGRID_KAFKA_SASL_PASSWORD", "pw"), "TASKGRID_KAFKA_SASL_USERNAME must be set");
    assertRejected(env("TASKGRID_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "TASKGRID_KAFKA_SASL_USERNAME", "u"), "TASKGRID_KAFKA_SASL_PASSWORD (or TASKGRID_KAFKA_SASL_PASSWORD_FILE) must be set");
    assertRejected(env("TASKGRID_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "TASKGRID_KAFKA_SASL_USERNAME", "u", "TASKGRID_KAFKA_SASL_PASSWORD", "pw",
        "TASKGRID_KAFKA_SASL_PASSWORD_FILE", pw.toString()), "TASKGRID_KAFKA_SASL_PASSWORD_FILE must not be set together with TASKGRID_KAFKA_SASL_PASSWORD");
    assertRejected(env("TASKGRID_KAFKA_SASL_PASSWORD", "pw"), "TASKGRID_KAFKA_SASL_PASSWORD is only used with SASL_PLAINTEXT or SASL_SSL");
    assertRejected(env("TASKGRID_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "TASKGRID_KAFKA_SASL_USERNAME", "u", "TASKGRID_KAFKA_SASL_PASSWORD", "pw",
        "TASKGRID_KAFKA_TLS_CA", ca.toString()), "TASKGRID_KAFKA_TLS_CA is only used with SSL or SASL_SSL");
    assertRejected(env("TASKGRID_KAFKA_SECURITY_PROTOCOL", "SSL", "TASKGRID_KAFKA_TLS_CERT", ca.toString()), "TASKGRID_KAFKA_TLS_KEY must be set with TASKGRID_KAFKA_TLS_CERT");
    assertRejected(env("TASKGRID_KAFKA_SECURITY_PROTOCOL", "SSL", "TASKGRID_KAFKA_TLS_CA", dir.resolve("missing.pem").toString()), "TASKGRID_KAFKA_TLS_CA must name a readable file");
    assertRejected(env("TASKGRID_KAFKA_PROPERTIES_FILE", props.toString()), "TASKGRID_KAFKA_PROPERTIES_FILE must not set bootstrap.servers");
    assertRejected(env("TASKGRID_REDIS_USERNAME", "u"), "TASKGRID_REDIS_PASSWORD (or TASKGRID_REDIS_PASSWORD_FILE) must be set with TASKGRID_REDIS_USERNAME");
    assertRejected(env("TASKGRID_REDIS_PASSWORD_FILE", dir.resolve("nope").toString()), "TASKGRID_REDIS_PASSWORD_FILE must name a readable file");
  }

  @Test
  void rejectsRedisSettingsThatContradictTheUrl() throws IOException {
    Path ca = file("ca.pem", CERT);
    InfraSecurity.Redis redis = InfraSecurity.Redis.user("tg", "s3cret").withTlsCa(ca);
    assertThatThrownBy(() -> redis.credentials(RedisEndpoint.parse("TASKGRID_REDIS_URL", "redis://h:6379")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("TASKGRID_REDIS_TLS_CA needs a TLS URL");
    assertThatThrownBy(() -> redis.credentials(RedisEndpoint.parse("TASKGRID_REDIS_URL", "rediss://a:b@h:6379")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("TASKGRID_REDIS_PASSWORD must not be set when TASKGRID_REDIS_URL has credentials")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void neverShowsPasswordsOrFileContents() throws IOException {
    Path props = file("client.properties", "sasl.jaas.config=secret-jaas\n");
    InfraSecurity s = InfraSecurity.fromEnvironment(env("TASKGRID_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "TASKGRID_KAFKA_SASL_USERNAME", "u",
        "TASKGRID_KAFKA_SASL_PASSWORD", "kafka-s3cret", "TASKGRID_KAFKA_PROPERTIES_FILE", props.toString(),
        "TASKGRID_REDIS_PASSWORD", "redis-s3cret"));
    assertThat(s.toString()).doesNotContain("kafka-s3cret", "redis-s3cret", "secret-jaas").contains("sasl.jaas.config", "***");
    assertThat(new KafkaEndpoint("k:9093", s.kafka()).toString()).isEqualTo("k:9093 (SASL_SSL)");
    assertThatThrownBy(() -> InfraSecurity.fromEnvironment(env("TASKGRID_KAFKA_SASL_PASSWORD", "kafka-s3cret")))
        .hasMessageNotContaining("kafka-s3cret");
  }

  @Test
  void aKeyFileThatIsNotPemIsRejectedWithoutShowingIt() throws IOException {
    Path cert = file("cert.pem", CERT);
    Path key = file("key.pem", "not a key: hunter2");
    InfraSecurity.Kafka kafka = new InfraSecurity.Kafka(InfraSecurity.Protocol.SSL, Optional.empty(), Optional.empty(), Optional.of(cert),
        Optional.of(key), Map.of());
    assertThatThrownBy(kafka::clientProperties).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("TASKGRID_KAFKA_TLS_KEY must name a PEM file with a -----BEGIN PRIVATE KEY----- block")
        .hasMessageNotContaining("hunter2");
  }

  private static void assertRejected(Map<String, String> env, String start) {
    assertThatThrownBy(() -> InfraSecurity.fromEnvironment(env)).isInstanceOf(ConfigException.class).hasMessageStartingWith(start);
  }
}
