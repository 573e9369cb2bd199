package io.taskgrid.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

class RedisProcessIT {
  private static RedissonClient connect(String url) {
    Config c = new Config();
    c.useSingleServer().setAddress(url);
    return Redisson.create(c);
  }

  @Test
  void servesRedisAndComesBackOnTheSamePortAfterAKill() {
    try (RedisProcess redis = RedisProcess.start()) {
      RedissonClient client = connect(redis.redisUrl());
      try {
        client.getBucket("k", StringCodec.INSTANCE).set("v");
        assertThat(client.<String>getBucket("k", StringCodec.INSTANCE).get()).isEqualTo("v");
        redis.flushAll();
        assertThat(client.getBucket("k", StringCodec.INSTANCE).isExists()).isFalse();
      } finally {
        client.shutdown();
      }
      redis.kill();
      redis.restart();
      RedissonClient again = connect(redis.redisUrl());
      try {
        again.getBucket("k2", StringCodec.INSTANCE).set("v2");
        assertThat(again.<String>getBucket("k2", StringCodec.INSTANCE).get()).isEqualTo("v2");
      } finally {
        again.shutdown();
      }
    }
  }

  @Test
  void keepsDataAcrossAKillWithAppendOnlyPersistence() {
    try (RedisProcess redis = RedisProcess.start(true)) {
      RedissonClient client = connect(redis.redisUrl());
      client.getBucket("durable", StringCodec.INSTANCE).set("yes");
      client.shutdown();
      redis.restart();
      RedissonClient again = connect(redis.redisUrl());
      try {
        assertThat(again.<String>getBucket("durable", StringCodec.INSTANCE).get()).isEqualTo("yes");
      } finally {
        again.shutdown();
      }
    }
  }
}
