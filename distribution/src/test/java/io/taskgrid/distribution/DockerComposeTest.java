package io.taskgrid.distribution;

import static io.taskgrid.distribution.Repo.list;
import static io.taskgrid.distribution.Repo.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.coordinator.CoordinatorConfig;
import io.taskgrid.core.Durations;
import io.taskgrid.worker.WorkerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml cannot run here (no Docker engine); this checks what can be checked without
 * it: the services, that every Taskgrid container runs a script the image has with settings the
 * process really reads, and that ports, health checks and the observability configs agree.
 */
class DockerComposeTest {
  private static final Path COMPOSE = Repo.ROOT.resolve("docker-compose.yml");
  private final Map<String, Object> compose = Repo.yaml(COMPOSE);
  private final Map<String, Object> services = map(compose.get("services"), "services");

  private Map<String, Object> service(String name) {
    return map(services.get(name), "service " + name);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> environment(Map<String, Object> service) {
    Map<String, String> env = new LinkedHashMap<>();
    Object raw = service.get("environment");
    if (raw instanceof Map<?, ?> m) {
      m.forEach((k, v) -> env.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
    } else if (raw instanceof List<?> l) {
      for (Object o : l) {
        String[] kv = String.valueOf(o).split("=", 2);
        env.put(kv[0], kv.length > 1 ? kv[1] : "");
      }
    }
    return env;
  }

  private static List<String> command(Map<String, Object> service) {
    return list(service.get("command"), "command").stream().map(String::valueOf).toList();
  }

  private List<String> taskgridServices() {
    List<String> out = new ArrayList<>();
    services.forEach((name, s) -> {
      if (String.valueOf(map(s, name).get("image")).startsWith("taskgrid:")) out.add(name);
    });
    return out;
  }

  /** "8081:8080" or "127.0.0.1:8081:8080/tcp" -> 8080. */
  private static List<Integer> containerPorts(Map<String, Object> service) {
    Object raw = service.get("ports");
    if (raw == null) return List.of();
    return list(raw, "ports").stream().map(p -> {
      String[] parts = String.valueOf(p).replaceAll("/.*$", "").split(":");
      return Integer.parseInt(parts[parts.length - 1]);
    }).toList();
  }

  @Test
  void bringsUpTheWholeStack() {
    assertThat(services).containsKeys("kafka", "redis", "coordinator-1", "coordinator-2", "worker", "otel-collector", "tempo",
        "prometheus", "grafana");
    assertThat(taskgridServices()).containsExactlyInAnyOrder("coordinator-1", "coordinator-2", "worker");
    services.forEach((name, s) -> {
      Object deps = map(s, name).get("depends_on");
      if (deps instanceof Map<?, ?> m) assertThat(services).as("%s depends on", name).containsKeys(m.keySet().toArray(String[]::new));
      if (deps instanceof List<?> l) assertThat(services).as("%s depends on", name).containsKeys(l.toArray(String[]::new));
    });
  }

  @Test
  void kafkaRunsInKraftModeAndRedisWithAppendOnlyFile() {
    Map<String, String> kafka = environment(service("kafka"));
    assertThat(kafka.get("KAFKA_PROCESS_ROLES")).contains("broker").contains("controller");
    assertThat(kafka).doesNotContainKey("KAFKA_ZOOKEEPER_CONNECT");
    assertThat(kafka.get("KAFKA_ADVERTISED_LISTENERS")).contains("kafka:9092");
    assertThat(String.join(" ", command(service("redis")))).contains("--appendonly yes");
  }

  @Test
  void taskgridServicesAreBuiltFromTheDistributionLayout() {
    for (String name : taskgridServices()) {
      Map<String, Object> s = service(name);
      assertThat(s.get("image")).as(name).isEqualTo("taskgrid:" + Repo.VERSION);
      Map<String, Object> build = map(s.get("build"), name + ".build");
      assertThat(build.get("context")).as("%s builds the image from the layout ./mvnw package makes", name)
          .isEqualTo("./distribution/target/taskgrid-" + Repo.VERSION);
      assertThat(build.get("dockerfile")).as("the layout's own Dockerfile").isNull();
      Repo.assertImageScript(name, command(s).get(0));
    }
  }

  @Test
  void everyTaskgridVariableIsARealSettingWithAValidValue() {
    for (String name : taskgridServices()) {
      Map<String, Object> s = service(name);
      Repo.Role.ofCommand(command(s).get(0)).checkEnvironment("docker-compose.yml " + name, environment(s));
    }
  }

  @Test
  void coordinatorsPublishTheirGrpcPortAndAnswerHealthChecksOnTheOperationsPort() {
    for (String name : List.of("coordinator-1", "coordinator-2")) {
      Map<String, Object> s = service(name);
      assertThat(Repo.Role.ofCommand(command(s).get(0))).isEqualTo(Repo.Role.COORDINATOR);
      Map<String, String> env = environment(s);
      int grpc = CoordinatorConfig.GRPC_PORT.read(env);
      assertThat(containerPorts(s)).as("%s publishes its gRPC port", name).contains(grpc)
          .as("%s publishes only its gRPC and operations ports", name)
          .allMatch(p -> p == grpc || p == Integer.parseInt(env.get("TASKGRID_HTTP_PORT")));
      assertHealthCheckOnOpsPort(name, s, env);
    }
  }

  @Test
  void workersScaleAndDrainBeforeTheyAreKilled() {
    Map<String, Object> worker = service("worker");
    assertThat(worker).as("`--scale worker=N` needs no fixed name or host port").doesNotContainKeys("container_name", "ports");
    Map<String, String> env = environment(worker);
    Duration drain = WorkerConfig.DRAIN_TIMEOUT.read(env);
    Duration grace = Durations.parse("stop_grace_period", String.valueOf(worker.get("stop_grace_period")));
    assertThat(grace).as("stop_grace_period longer than TASKGRID_DRAIN_TIMEOUT").isGreaterThan(drain);
    List<String> coordinators = WorkerConfig.COORDINATORS.read(env);
    for (String address : coordinators) {
      String[] hostPort = address.split(":");
      assertThat(services).as("worker reports to %s", address).containsKey(hostPort[0]);
      assertThat(CoordinatorConfig.GRPC_PORT.read(environment(service(hostPort[0])))).isEqualTo(Integer.parseInt(hostPort[1]));
    }
    assertHealthCheckOnOpsPort("worker", worker, env);
  }

  private static void assertHealthCheckOnOpsPort(String name, Map<String, Object> service, Map<String, String> env) {
    List<String> test = list(map(service.get("healthcheck"), name + ".healthcheck").get("test"), "test").stream().map(String::valueOf).toList();
    assertThat(test.get(0)).isEqualTo("CMD");
    Repo.assertImageScript(name + " health check", test.get(1));
    assertThat(test.get(2)).isEqualTo("/health/ready");
    assertThat(test.get(3)).as("%s health check port is TASKGRID_HTTP_PORT", name).isEqualTo(env.get("TASKGRID_HTTP_PORT"));
    assertThat(Integer.parseInt(env.get("TASKGRID_HTTP_PORT"))).isEqualTo(Repo.OPS_PORT);
  }

  @Test
  void mountedConfigFilesExist() {
    services.forEach((name, s) -> {
      Object volumes = map(s, name).get("volumes");
      if (volumes == null) return;
      for (Object v : list(volumes, name + ".volumes")) {
        String source = String.valueOf(v).split(":")[0];
        if (source.startsWith("./")) assertThat(Repo.ROOT.resolve(source)).as("%s mounts %s", name, source).exists();
      }
    });
  }

  @Test
  void tracesGoFromTheProcessesThroughTheCollectorToTempo() {
    Pattern url = Pattern.compile("https?://([^:/]+):(\\d+)/?");
    for (String name : taskgridServices()) {
      Matcher m = url.matcher(environment(service(name)).get("OTEL_EXPORTER_OTLP_ENDPOINT"));
      assertThat(m.matches()).isTrue();
      assertThat(m.group(1)).isEqualTo("otel-collector");
      assertThat(m.group(2)).as("OTLP/gRPC port of the collector").isEqualTo("4317");
      assertThat(environment(service(name)).get("OTEL_SERVICE_NAME")).startsWith("taskgrid-");
    }
    Map<String, Object> collector = Repo.yaml(Repo.ROOT.resolve("deploy/compose/otel-collector.yaml"));
    Map<String, Object> grpc = map(map(map(map(collector.get("receivers"), "receivers").get("otlp"), "otlp").get("protocols"), "protocols").get("grpc"), "grpc");
    assertThat(String.valueOf(grpc.get("endpoint"))).endsWith(":4317");
    String tempoEndpoint = String.valueOf(map(map(collector.get("exporters"), "exporters").get("otlp/tempo"), "otlp/tempo").get("endpoint"));
    assertThat(tempoEndpoint).isEqualTo("tempo:4317");
    Map<String, Object> pipelines = map(map(collector.get("service"), "service").get("pipelines"), "pipelines");
    assertThat(list(map(pipelines.get("traces"), "traces").get("exporters"), "exporters")).contains("otlp/tempo");

    Map<String, Object> tempo = Repo.yaml(Repo.ROOT.resolve("deploy/compose/tempo.yaml"));
    Object tempoGrpc = map(map(map(map(tempo.get("distributor"), "distributor").get("receivers"), "receivers").get("otlp"), "otlp")
        .get("protocols"), "protocols").get("grpc");
    assertThat(String.valueOf(map(tempoGrpc, "grpc").get("endpoint"))).endsWith(":4317");
  }

  @Test
  @SuppressWarnings("unchecked")
  void prometheusScrapesEveryTaskgridProcessOnTheOperationsPort() {
    Map<String, Object> prometheus = Repo.yaml(Repo.ROOT.resolve("deploy/compose/prometheus.yml"));
    List<String> staticTargets = new ArrayList<>();
    List<String> dnsTargets = new ArrayList<>();
    for (Object j : list(prometheus.get("scrape_configs"), "scrape_configs")) {
      Map<String, Object> job = map(j, "job");
      assertThat(job.get("metrics_path")).isEqualTo("/metrics");
      for (Object sc : (List<Object>) job.getOrDefault("static_configs", List.of())) {
        for (Object t : list(map(sc, "static_config").get("targets"), "targets")) staticTargets.add(String.valueOf(t));
      }
      for (Object dc : (List<Object>) job.getOrDefault("dns_sd_configs", List.of())) {
        Map<String, Object> dns = map(dc, "dns_sd_config");
        for (Object n : list(dns.get("names"), "names")) dnsTargets.add(n + ":" + dns.get("port"));
      }
    }
    for (String name : taskgridServices()) {
      String target = name + ":" + environment(service(name)).get("TASKGRID_HTTP_PORT");
      assertThat(name.equals("worker") ? dnsTargets : staticTargets).as("Prometheus scrapes %s", name).contains(target);
    }
  }

  @Test
  void grafanaIsProvisionedWithPrometheusTempoAndTheDashboard() {
    Map<String, Object> grafana = service("grafana");
    List<String> volumes = list(grafana.get("volumes"), "volumes").stream().map(String::valueOf).toList();
    assertThat(volumes).contains("./deploy/compose/grafana/provisioning:/etc/grafana/provisioning:ro");
    String dashboardsMount = volumes.stream().filter(v -> v.startsWith("./deploy/compose/grafana/dashboards:")).findFirst()
        .orElseThrow().split(":")[1];
    assertThat(containerPorts(grafana)).contains(3000);

    Map<String, Object> providers = Repo.yaml(Repo.ROOT.resolve("deploy/compose/grafana/provisioning/dashboards/dashboards.yaml"));
    Map<String, Object> provider = map(list(providers.get("providers"), "providers").get(0), "provider");
    assertThat(map(provider.get("options"), "options").get("path")).isEqualTo(dashboardsMount);
    assertThat(String.valueOf(environment(grafana).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"))).startsWith(dashboardsMount + "/");

    Map<String, String> urls = new LinkedHashMap<>();
    for (Object d : list(GrafanaDashboardTest.datasources().get("datasources"), "datasources")) {
      Map<String, Object> ds = map(d, "datasource");
      urls.put(String.valueOf(ds.get("uid")), String.valueOf(ds.get("url")));
    }
    assertThat(urls).containsEntry("prometheus", "http://prometheus:9090");
    int tempoPort = (Integer) map(Repo.yaml(Repo.ROOT.resolve("deploy/compose/tempo.yaml")).get("server"), "server").get("http_listen_port");
    assertThat(urls).containsEntry("tempo", "http://tempo:" + tempoPort);
    assertThat(containerPorts(service("prometheus"))).contains(9090);
  }
}
