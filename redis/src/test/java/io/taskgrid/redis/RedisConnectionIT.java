package io.taskgrid.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.core.config.RedisEndpoint;
import io.taskgrid.embedded.RedisProcess;
import io.taskgrid.embedded.RedisSentinelCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

class RedisConnectionIT {
  private static RedissonClient open(String url) {
    return new RedisConnection(RedisEndpoint.parse("TASKGRID_REDIS_URL", url), "taskgrid-it", 1, 4).open();
  }

  @Test
  void connectsToOneServer() {
    try (RedisProcess redis = RedisProcess.start()) {
      RedissonClient client = open(redis.redisUrl() + "/3");
      try {
        client.<String>getBucket("k").set("v");
        assertThat(client.<String>getBucket("k").get()).isEqualTo("v");
      } finally {
        client.shutdown();
      }
    }
  }

  @Test
  void followsThePrimarySentinelPromotesWhenTheOldOneIsKilled() {
    try (RedisSentinelCluster redis = RedisSentinelCluster.start()) {
      RedissonClient client = open(redis.sentinelUrl());
      try {
        client.<String>getBucket("before").set("written to the first primary");
        int first = redis.primaryPort();
        redis.killPrimary();
        int second = redis.awaitFailover(first, Duration.ofSeconds(30));
        assertThat(second).isNotEqualTo(first);

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
            .untilAsserted(() -> client.<String>getBucket("after").set("written to the second primary"));
        assertThat(client.<String>getBucket("after").get()).isEqualTo("written to the second primary");
      } finally {
        client.shutdown();
      }
    }
  }
}
