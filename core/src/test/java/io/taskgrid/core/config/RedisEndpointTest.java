package io.taskgrid.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.core.config.RedisEndpoint.Address;
import io.taskgrid.core.config.RedisEndpoint.Credentials;
import io.taskgrid.core.config.RedisEndpoint.Sentinel;
import io.taskgrid.core.config.RedisEndpoint.Single;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedisEndpointTest {
  private static final String VAR = "TASKGRID_REDIS_URL";

  private static RedisEndpoint parse(String url) {
    return RedisEndpoint.parse(VAR, url);
  }

  @Test
  void readsOneServerWithItsPortOrTheDefaultOne() {
    assertThat(parse("redis://127.0.0.1:6380"))
        .isEqualTo(new Single(new Address("127.0.0.1", 6380), false, Optional.empty(), 0));
    assertThat(parse("redis://redis.internal")).isEqualTo(new Single(new Address("redis.internal", 6379), false, Optional.empty(), 0));
    assertThat(parse("redis://[::1]:7000/")).isEqualTo(new Single(new Address("::1", 7000), false, Optional.empty(), 0));
  }

  @Test
  void readsTlsCredentialsAndTheDatabaseOfOneServer() {
    assertThat(parse("rediss://app:s3cr%40t@redis.internal:6380/2")).isEqualTo(
        new Single(new Address("redis.internal", 6380), true, Optional.of(new Credentials("app", "s3cr@t")), 2));
    assertThat(parse("redis://:pw@h").credentials()).contains(new Credentials("", "pw"));
  }

  @Test
  void readsSentinelAddressesAndTheMasterName() {
    assertThat(parse("redis-sentinel://host1:26379,host2:26380,host3/mymaster")).isEqualTo(new Sentinel(
        List.of(new Address("host1", 26379), new Address("host2", 26380), new Address("host3", 26379)), "mymaster", false,
        Optional.empty(), 0));
  }

  @Test
  void readsSentinelOverTlsWithCredentialsAndADatabase() {
    assertThat(parse("rediss-sentinel://user:p:w@h1:26379,h2:26379/my-master.1/3")).isEqualTo(new Sentinel(
        List.of(new Address("h1", 26379), new Address("h2", 26379)), "my-master.1", true,
        Optional.of(new Credentials("user", "p:w")), 3));
  }

  @Test
  void showsTheUrlWithItsPasswordMasked() {
    RedisEndpoint e = parse("redis-sentinel://user:secret@h1:26379,h2:26379/mymaster/1");
    assertThat(e.display()).isEqualTo("redis-sentinel://user:***@h1:26379,h2:26379/mymaster/1");
    assertThat(e.toString()).doesNotContain("secret");
    assertThat(parse("rediss://:secret@h:6380").display()).isEqualTo("rediss://:***@h:6380");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', value = {
    "''                                   | TASKGRID_REDIS_URL must be a Redis URL such as redis://host:port, rediss://host:port or redis-sentinel://host:port,host:port/master, got ''",
    "localhost:6379                       | TASKGRID_REDIS_URL must be a URL such as redis://host:port, rediss://host:port or redis-sentinel://host:port,host:port/master, got 'localhost:6379'",
    "http://h:6379                        | TASKGRID_REDIS_URL must start with redis://, rediss://, redis-sentinel:// or rediss-sentinel://, got 'http://h:6379'",
    "redis://                             | TASKGRID_REDIS_URL must name a host, got 'redis://'",
    "redis://h:0                          | TASKGRID_REDIS_URL must give ports as numbers from 1 to 65535, got 'redis://h:0'",
    "redis://h:70000                      | TASKGRID_REDIS_URL must give ports as numbers from 1 to 65535, got 'redis://h:70000'",
    "redis://h:port                       | TASKGRID_REDIS_URL must give ports as numbers from 1 to 65535, got 'redis://h:port'",
    "redis://h1:6379,h2:6379              | TASKGRID_REDIS_URL must name one server (for several, list Sentinel addresses: redis-sentinel://host:26379,host:26379/master), got 'redis://h1:6379,h2:6379'",
    "redis://h:6379/x                     | TASKGRID_REDIS_URL must give the database as a number (…/0), got 'redis://h:6379/x'",
    "redis://h:6379/0/1                   | TASKGRID_REDIS_URL must end with at most a database number (redis://host:port/0), got 'redis://h:6379/0/1'",
    "redis://h:6379?timeout=1             | TASKGRID_REDIS_URL must not have query parameters or a fragment, got 'redis://h:6379?timeout=1'",
    "redis://secret@h:6379                | TASKGRID_REDIS_URL must give credentials as user:password@ or :password@, got 'redis://***@h:6379'",
    "redis://user:@h:6379                 | TASKGRID_REDIS_URL must not have an empty password (leave out user:password@ for none), got 'redis://user:***@h:6379'",
    "redis://:100%@h                      | TASKGRID_REDIS_URL must escape '%' in credentials as %25, got 'redis://:***@h'",
    "redis://::1:6379                     | TASKGRID_REDIS_URL must write an IPv6 host in brackets ([::1]:6379), got 'redis://::1:6379'",
    "redis-sentinel://h1:26379,h2:26379   | TASKGRID_REDIS_URL must name the Sentinel master after the addresses (redis-sentinel://host:26379,host:26379/mymaster), got 'redis-sentinel://h1:26379,h2:26379'",
    "redis-sentinel://h1:26379/           | TASKGRID_REDIS_URL must name the Sentinel master after the addresses (redis-sentinel://host:26379,host:26379/mymaster), got 'redis-sentinel://h1:26379/'",
    "redis-sentinel://h1,,h2/m            | TASKGRID_REDIS_URL must not have an empty host in its address list, got 'redis-sentinel://h1,,h2/m'",
    "redis-sentinel://h1/my master        | TASKGRID_REDIS_URL must name the Sentinel master with letters, digits or . _ -, got 'redis-sentinel://h1/my master'",
    "redis-sentinel://h1/m/1/2            | TASKGRID_REDIS_URL must end with /master or /master/database, got 'redis-sentinel://h1/m/1/2'",
    "redis-sentinel://u:hunter2@h1/m/x    | TASKGRID_REDIS_URL must give the database as a number (…/0), got 'redis-sentinel://u:***@h1/m/x'",
  })
  void rejectsABadUrlNamingTheVariableAndMaskingThePassword(String url, String message) {
    assertThatThrownBy(() -> parse(url))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(((ConfigException) e).variable()).isEqualTo(VAR));
  }
}
