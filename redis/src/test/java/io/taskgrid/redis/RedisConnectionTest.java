package io.taskgrid.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.core.config.RedisEndpoint;
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
}
