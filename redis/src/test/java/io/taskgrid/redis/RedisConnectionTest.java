package io.taskgrid.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.core.config.ConfigException;
import io.taskgrid.core.config.InfraSecurity;
import io.taskgrid.core.config.RedisEndpoint;
import io.taskgrid.security.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.redisson.config.Config;
import org.redisson.config.ReadMode;
import org.redisson.config.SentinelServersConfig;
import org.redisson.config.SingleServerConfig;
import org.redisson.config.SubscriptionMode;

class RedisConnectionTest {
  private static Config config(String url) {
    return new RedisConnection(RedisEndpoint.parse("TASKGRID_REDIS_URL", url), "taskgrid-test", 2, 16).config();
  }

  @Test
  void aSentinelUrlAsksTheSentinelsForTheMasterAndSendsEverythingToThePrimary() {
    Config config = config("redis-sentinel://app:pw@h1:26379,h2:26380/mymaster/2");
    SentinelServersConfig s = config.useSentinelServers();
    assertThat(s.getSentinelAddresses()).containsExactly("redis://h1:26379", "redis://h2:26380");
    assertThat(s.getMasterName()).isEqualTo("mymaster");
    assertThat(s.getReadMode()).isEqualTo(ReadMode.MASTER);
    assertThat(s.getSubscriptionMode()).isEqualTo(SubscriptionMode.MASTER);
    assertThat(s.getDatabase()).isEqualTo(2);
    assertThat(config.getUsername()).isEqualTo("app");
    assertThat(config.getPassword()).isEqualTo("pw");
    assertThat(s.getMasterConnectionPoolSize()).isEqualTo(16);
    assertThat(s.getClientName()).isEqualTo("taskgrid-test");
  }

  @Test
  void aTlsSentinelUrlReachesTheSentinelsAndTheNodesOverTls() {
    assertThat(config("rediss-sentinel://h1,h2/m").useSentinelServers().getSentinelAddresses())
        .containsExactly("rediss://h1:26379", "rediss://h2:26379");
  }

  @Test
  void aServerUrlConnectsToThatServer() {
    Config config = config("rediss://:pw@redis.internal:6380/1");
    SingleServerConfig s = config.useSingleServer();
    assertThat(s.getAddress()).isEqualTo("rediss://redis.internal:6380");
    assertThat(s.getDatabase()).isEqualTo(1);
    assertThat(config.getUsername()).isNull();
    assertThat(config.getPassword()).isEqualTo("pw");
    assertThat(s.getConnectionPoolSize()).isEqualTo(16);
  }

  @Test
  void theSettingsGiveTheAclUserAndThePemTrustAndClientCertificate(@TempDir Path dir) {
    TestCertificates ca = TestCertificates.authority(dir, "test-ca");
    TestCertificates.Issued client = ca.client("taskgrid");
    InfraSecurity.Redis security = InfraSecurity.Redis.user("taskgrid", "s3cret").withTlsCa(ca.certificate())
        .withClientCertificate(client.certificate(), client.privateKey());
    Config config = new RedisConnection(RedisEndpoint.parse("TASKGRID_REDIS_URL", "rediss://redis:6380"), security, "t", 1, 4).config();
    assertThat(config.getUsername()).isEqualTo("taskgrid");
    assertThat(config.getPassword()).isEqualTo("s3cret");
    assertThat(config.getSslTrustManagerFactory().getTrustManagers()).isNotEmpty();
    assertThat(config.getSslKeyManagerFactory().getKeyManagers()).isNotEmpty();
  }

  @Test
  void aKeyThatIsNotPkcs8IsRejectedNamingTheSetting(@TempDir Path dir) throws Exception {
    TestCertificates ca = TestCertificates.authority(dir, "test-ca");
    TestCertificates.Issued client = ca.client("taskgrid");
    Path rsaStyle = Files.writeString(dir.resolve("old.key"), "-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----\n");
    InfraSecurity.Redis security = InfraSecurity.Redis.NONE.withClientCertificate(client.certificate(), rsaStyle);
    assertThatThrownBy(() -> new RedisConnection(RedisEndpoint.parse("TASKGRID_REDIS_URL", "rediss://redis:6380"), security, "t", 1, 4).config())
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("TASKGRID_REDIS_TLS_KEY must name an unencrypted PKCS#8 key");
  }

  @Test
  void aRefusedPasswordNamesTheSettingItCameFrom() {
    RedisConnection fromSettings = new RedisConnection(RedisEndpoint.parse("TASKGRID_REDIS_URL", "rediss://redis:6380"),
        InfraSecurity.Redis.user("taskgrid", "s3cret"), "t", 1, 4);
    assertThat(fromSettings.rejectedSettings(new RuntimeException("x", new RuntimeException("WRONGPASS invalid username-password pair"))))
        .hasValueSatisfying(e -> assertThat(e).hasMessageStartingWith("TASKGRID_REDIS_PASSWORD").hasMessageNotContaining("s3cret"));
    RedisConnection fromUrl = new RedisConnection(RedisEndpoint.parse("TASKGRID_REDIS_URL", "redis://u:s3cret@redis:6379"), "t", 1, 4);
    assertThat(fromUrl.rejectedSettings(new RuntimeException("NOAUTH Authentication required.")))
        .hasValueSatisfying(e -> assertThat(e).hasMessageStartingWith("TASKGRID_REDIS_URL credentials were refused").hasMessageNotContaining("s3cret"));
    assertThat(fromUrl.rejectedSettings(new RuntimeException("connection refused"))).isEmpty();
  }

  @Test
  void commandsAreRetriedAfterWholeTenthsOfASecondSoRedissonsTimerTicksTenTimesASecond() {
    for (String url : new String[] {"redis://h:6379", "redis-sentinel://h1:26379/mymaster"}) {
      Config config = config(url);
      var delays = url.startsWith("redis-sentinel") ? config.useSentinelServers().getRetryDelay() : config.useSingleServer().getRetryDelay();
      for (int i = 0; i < 1000; i++) {
        long first = delays.calcDelay(0).toMillis();
        assertThat(first).isBetween(500L, 1000L);
        assertThat(first % 100).isZero();
        long later = delays.calcDelay(1 + i % 5).toMillis();
        assertThat(later).isBetween(1000L, 2000L);
        assertThat(later % 100).isZero();
      }
    }
  }
}
