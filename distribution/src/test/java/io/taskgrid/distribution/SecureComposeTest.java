package io.taskgrid.distribution;

import static io.taskgrid.distribution.Repo.list;
import static io.taskgrid.distribution.Repo.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.taskgrid.coordinator.CoordinatorConfig;
import io.taskgrid.security.auth.IdentitiesFile;
import io.taskgrid.worker.WorkerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.secure.yml on top of docker-compose.yml, without Docker: deploy/secure/make-certs.sh
 * runs (openssl) into a temporary copy, every file the compose files mount or a setting names is
 * one it made, the processes' settings parse with the files where the containers see them, and
 * the identities file and API keys it writes are what the coordinator reads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecureComposeTest {
  private static final String SECRETS = "/run/secrets/taskgrid/";
  private final Map<String, Object> base = Repo.yaml(Repo.ROOT.resolve("docker-compose.yml"));
  private final Map<String, Object> secure = Repo.yaml(Repo.ROOT.resolve("docker-compose.secure.yml"));
  private Path generated;

  @BeforeAll
  void makeCertificates(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")) || onPath("openssl"), "openssl is not installed");
    Path copy = dir.resolve("secure");
    Files.createDirectories(copy);
    Files.copy(Repo.ROOT.resolve("deploy/secure/make-certs.sh"), copy.resolve("make-certs.sh"));
    Process p = new ProcessBuilder("bash", copy.resolve("make-certs.sh").toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("make-certs.sh: %s", out).isZero();
    generated = copy.resolve("generated");
  }

  private static boolean onPath(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, name))) return true;
    }
    return false;
  }

  private Map<String, Object> services(Map<String, Object> compose) {
    return map(compose.get("services"), "services");
  }

  /** The environment a service gets from both files, the secure one's values winning. */
  private Map<String, String> environment(String service) {
    Map<String, String> env = new LinkedHashMap<>();
    for (Map<String, Object> file : List.of(base, secure)) {
      Object s = services(file).get(service);
      if (s == null) continue;
      Object raw = map(s, service).get("environment");
      if (raw instanceof Map<?, ?> m) m.forEach((k, v) -> {
        if (v == null) env.remove(String.valueOf(k));
        else env.put(String.valueOf(k), String.valueOf(v));
      });
    }
    return env;
  }

  /** The environment with every /run/secrets/taskgrid/ path moved to where make-certs.sh wrote the file. */
  private Map<String, String> onThisMachine(Map<String, String> env) {
    Map<String, String> out = new LinkedHashMap<>();
    env.forEach((k, v) -> out.put(k, v.startsWith(SECRETS) ? generated.resolve(v.substring(SECRETS.length())).toString() : v));
    return out;
  }

  @Test
  void everySecretAServiceNamesIsAFileMakeCertsWrites() {
    Pattern path = Pattern.compile(Pattern.quote(SECRETS) + "([A-Za-z0-9._-]+)");
    Matcher m = path.matcher(Repo.read(Repo.ROOT.resolve("docker-compose.secure.yml")) + Repo.read(Repo.ROOT.resolve("deploy/secure/kafka/server.properties"))
        + Repo.read(Repo.ROOT.resolve("deploy/secure/prometheus.yml")));
    int found = 0;
    while (m.find()) {
      assertThat(generated.resolve(m.group(1))).as("make-certs.sh writes %s", m.group(1)).isRegularFile();
      found++;
    }
    assertThat(found).isGreaterThan(10);
  }

  @Test
  void taskgridServicesHaveRealSettingsThatParseWithTheGeneratedFiles() {
    for (String name : List.of("coordinator-1", "coordinator-2", "worker")) {
      Map<String, String> env = environment(name);
      Repo.Role role = name.startsWith("coordinator") ? Repo.Role.COORDINATOR : Repo.Role.WORKER;
      role.checkEnvironment("docker-compose.secure.yml " + name, env);
      Map<String, String> local = onThisMachine(env);
      if (role == Repo.Role.COORDINATOR) {
        CoordinatorConfig c = CoordinatorConfig.fromEnvironment(local);
        assertThat(c.apiSecurity().serverTls()).as("%s has TLS", name).isPresent();
        assertThat(env).containsEntry("TASKGRID_AUTH", "on");
      } else {
        WorkerConfig.fromEnvironment(local);
        assertThat(env).containsKeys("TASKGRID_CLIENT_TLS_CA", "TASKGRID_CLIENT_TLS_CERT", "TASKGRID_CLIENT_TLS_KEY");
      }
      assertThat(env.get("TASKGRID_REDIS_URL")).startsWith("rediss://");
      assertThat(env).containsEntry("TASKGRID_KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
    }
  }

  @Test
  void theIdentitiesFileHoldsTheKeysItPrintsAndTheWorkersCertificateName() throws Exception {
    var identities = IdentitiesFile.read(generated.resolve("identities.yaml"));
    for (String[] key : List.of(new String[] {"operator.key.txt", "operator"}, new String[] {"viewer.key.txt", "viewer"})) {
      String secret = Files.readString(generated.resolve(key[0])).trim();
      assertThat(identities.byApiKey(secret)).as("the key in %s", key[0]).hasValueSatisfying(i -> assertThat(i.role().label()).isEqualTo(key[1]));
      assertThat(Files.readString(generated.resolve("identities.yaml"))).as("the identities file holds hashes, not keys").doesNotContain(secret)
          .contains("sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8))));
    }
    assertThat(identities.byCommonName("worker")).hasValueSatisfying(i -> assertThat(i.role().label()).isEqualTo("worker"));
  }

  @Test
  void kafkaAndRedisRequireTheCredentialsTheProcessesHave() {
    String server = Repo.read(Repo.ROOT.resolve("deploy/secure/kafka/server.properties"));
    assertThat(server).contains("sasl.enabled.mechanisms=SCRAM-SHA-256", "SASL_SSL:SASL_SSL", "allow.everyone.if.no.acl.found=false");
    assertThat(environment("worker")).containsEntry("TASKGRID_KAFKA_SASL_MECHANISM", "SCRAM-SHA-256")
        .containsEntry("TASKGRID_KAFKA_SASL_USERNAME", "taskgrid");
    List<String> redis = list(map(services(secure).get("redis"), "redis").get("command"), "command").stream().map(String::valueOf).toList();
    assertThat(redis).contains("--port", "0", "--tls-port", "--aclfile");
    assertThat(Repo.read(generated.resolve("redis-users.acl"))).contains("user default off", "user taskgrid on >");
    assertThat(environment("worker")).containsEntry("TASKGRID_REDIS_USERNAME", "taskgrid");
  }
}
