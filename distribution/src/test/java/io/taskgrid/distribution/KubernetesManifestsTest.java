package io.taskgrid.distribution;

import static io.taskgrid.distribution.Repo.list;
import static io.taskgrid.distribution.Repo.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.taskgrid.coordinator.CoordinatorConfig;
import io.taskgrid.coordinator.internal.config.TasksFileLoader;
import io.taskgrid.core.TaskTopics;
import io.taskgrid.worker.WorkerConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes: no cluster here. Every manifest is parsed with fabric8's Kubernetes model
 * (KEDA's ScaledObject as a generic resource), the kustomizations point at files that exist, and
 * the objects agree with each other and with the settings the processes read: probes on the
 * ports the containers open, a grace period above the drain timeout, KEDA watching the topic and
 * group the workers use. The overlay is rendered with `kubectl kustomize` when kubectl is installed.
 */
class KubernetesManifestsTest {
  private static final Path K8S = Repo.ROOT.resolve("deploy/kubernetes");
  private static final Path BASE = K8S.resolve("base");
  private static final Path OVERLAY = K8S.resolve("overlays/example");
  private static final Path SECURED = K8S.resolve("overlays/secured");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  static List<HasMetadata> parse(String where, String yaml) {
    List<HasMetadata> out = new ArrayList<>();
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      if (Repo.yamlDocuments(doc).isEmpty()) continue;
      Object o = SERIALIZATION.unmarshal(new ByteArrayInputStream(doc.getBytes(StandardCharsets.UTF_8)));
      assertThat(o).as("%s parses as a Kubernetes object", where).isInstanceOf(HasMetadata.class);
      HasMetadata h = (HasMetadata) o;
      assertThat(h.getApiVersion()).as(where).isNotBlank();
      assertThat(h.getMetadata().getName()).as(where).isNotBlank();
      out.add(h);
    }
    return out;
  }

  private static List<String> kustomizationEntries(Path dir, String key) {
    Map<String, Object> k = Repo.yaml(dir.resolve("kustomization.yaml"));
    assertThat(k.get("kind")).isEqualTo("Kustomization");
    List<String> out = new ArrayList<>();
    Object raw = k.get(key);
    if (raw == null) return out;
    for (Object e : list(raw, key)) out.add(e instanceof Map<?, ?> m ? String.valueOf(m.get("path")) : String.valueOf(e));
    return out;
  }

  private static List<HasMetadata> base() {
    List<HasMetadata> out = new ArrayList<>();
    for (String r : kustomizationEntries(BASE, "resources")) {
      Path file = BASE.resolve(r);
      assertThat(file).as("base resource %s", r).isRegularFile();
      out.addAll(parse(file.toString(), Repo.read(file)));
    }
    return out;
  }

  @Test
  void everyManifestParsesAsAKubernetesObject() throws IOException {
    List<HasMetadata> base = base();
    assertThat(base).extracting(HasMetadata::getKind).contains("Deployment", "Service", "ConfigMap", "PodDisruptionBudget", "ScaledObject");
    assertThat(base).filteredOn(h -> h.getKind().equals("Deployment")).allMatch(h -> h instanceof Deployment);
    assertThat(base).filteredOn(h -> h.getKind().equals("PodDisruptionBudget")).allMatch(h -> h instanceof PodDisruptionBudget);
    assertThat(base).filteredOn(h -> h.getKind().equals("ScaledObject"))
        .allMatch(h -> h instanceof GenericKubernetesResource && h.getApiVersion().equals("keda.sh/v1alpha1"));
    try (Stream<Path> files = Files.walk(K8S)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        List<Object> docs = Repo.yamlDocuments(Repo.read(f));
        boolean jsonPatch = docs.size() == 1 && docs.get(0) instanceof List;
        if (f.getFileName().toString().equals("kustomization.yaml") || jsonPatch) continue;
        parse(f.toString(), Repo.read(f));
      }
    }
  }

  @Test
  void theBaseHoldsTogether() {
    checkObjects("base", base(), false);
  }

  @Test
  void theOverlaysPointAtFilesThatExist() {
    for (Path overlay : List.of(OVERLAY, SECURED)) {
      assertThat(kustomizationEntries(overlay, "resources")).contains("../../base");
      for (String r : kustomizationEntries(overlay, "resources")) {
        Path p = overlay.resolve(r).normalize();
        assertThat(Files.isRegularFile(p) || Files.isRegularFile(p.resolve("kustomization.yaml"))).as("overlay resource %s", r).isTrue();
      }
      for (String patch : kustomizationEntries(overlay, "patches")) {
        Path p = overlay.resolve(patch);
        assertThat(p).as("overlay patch %s", patch).isRegularFile();
        Object doc = Repo.yamlDocuments(Repo.read(p)).get(0);
        if (doc instanceof List<?> ops) {
          for (Object op : ops) assertThat(map(op, "json patch op")).containsKeys("op", "path");
        } else {
          HasMetadata target = parse(p.toString(), Repo.read(p)).get(0);
          assertThat(base()).as("patch %s targets a base object", patch)
              .anyMatch(h -> h.getKind().equals(target.getKind()) && h.getMetadata().getName().equals(target.getMetadata().getName()));
        }
      }
    }
  }

  @Test
  void theRenderedOverlayHoldsTogether() throws Exception {
    checkObjects("overlay", render(OVERLAY), false);
  }

  /**
   * The secured overlay: TLS and authentication settings the coordinators really read, probes on
   * the HTTPS health endpoints (Kubernetes' gRPC probes speak no TLS), every file a setting names
   * mounted from a Secret, and KEDA reading the lag with credentials.
   */
  @Test
  void theRenderedSecuredOverlayHoldsTogether() throws Exception {
    List<HasMetadata> objects = render(SECURED);
    checkObjects("secured overlay", objects, true);
    for (Repo.Role role : Repo.Role.values()) {
      Deployment d = deploymentRunning(objects, role);
      Container c = container(d);
      Map<String, String> env = environment(objects, c);
      List<String> files = env.entrySet().stream()
          .filter(e -> e.getKey().matches("TASKGRID_.*_(CERT|KEY|CA|FILE)") && !e.getKey().equals("TASKGRID_TASKS_FILE"))
          .map(Map.Entry::getValue).toList();
      assertThat(files).as("%s reads certificates and secrets", role).isNotEmpty();
      for (String file : files) {
        VolumeMount mount = c.getVolumeMounts().stream().filter(m -> file.startsWith(m.getMountPath() + "/")).findFirst()
            .orElseThrow(() -> new AssertionError(role + ": nothing mounted where " + file + " is"));
        Volume volume = d.getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getName().equals(mount.getName()))
            .findFirst().orElseThrow();
        assertThat(volume.getSecret()).as("%s: %s comes from a Secret", role, file).isNotNull();
        if (volume.getSecret().getItems() != null && !volume.getSecret().getItems().isEmpty()) {
          String key = file.substring(mount.getMountPath().length() + 1);
          assertThat(volume.getSecret().getItems()).as("%s: the Secret's items include %s", role, key).anyMatch(i -> i.getPath().equals(key));
        }
      }
    }
    Map<String, String> coordinatorEnv = environment(objects, container(deploymentRunning(objects, Repo.Role.COORDINATOR)));
    assertThat(coordinatorEnv).containsEntry("TASKGRID_AUTH", "on").containsKey("TASKGRID_TLS_CERT").containsKey("TASKGRID_IDENTITIES_FILE");
    Map<String, String> workerEnv = environment(objects, container(deploymentRunning(objects, Repo.Role.WORKER)));
    assertThat(workerEnv).containsKeys("TASKGRID_CLIENT_TLS_CA", "TASKGRID_CLIENT_TLS_CERT", "TASKGRID_CLIENT_TLS_KEY");
    GenericKubernetesResource scaled = objects.stream().filter(h -> h.getKind().equals("ScaledObject"))
        .map(GenericKubernetesResource.class::cast).findFirst().orElseThrow();
    for (Object t : list(map(scaled.getAdditionalProperties().get("spec"), "spec").get("triggers"), "triggers")) {
      assertThat(map(map(t, "trigger").get("authenticationRef"), "authenticationRef").get("name")).isEqualTo("taskgrid-kafka");
    }
    assertThat(objects).anyMatch(h -> h.getKind().equals("TriggerAuthentication") && h.getMetadata().getName().equals("taskgrid-kafka"));
    assertThat(objects).filteredOn(h -> h.getKind().equals("Certificate")).hasSize(2);
  }

  private static List<HasMetadata> render(Path overlay) throws Exception {
    assumeTrue(kubectl() != null, "kubectl is not installed: the overlay is not rendered");
    Process p = new ProcessBuilder(kubectl(), "kustomize", overlay.toString()).redirectErrorStream(false).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("kubectl kustomize: %s", err).isZero();
    List<HasMetadata> objects = parse("kubectl kustomize " + overlay, out);
    assertThat(objects).allMatch(h -> h.getKind().equals("Namespace") || "taskgrid".equals(h.getMetadata().getNamespace()));
    return objects;
  }

  private static String kubectl() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path k = Path.of(dir, "kubectl");
      if (Files.isExecutable(k)) return k.toString();
    }
    return null;
  }

  // --- the checks, run on the base and on the rendered overlay ---------------------------------

  private static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static Deployment deploymentRunning(List<HasMetadata> objects, Repo.Role role) {
    List<Deployment> found = all(objects, Deployment.class).stream()
        .filter(d -> d.getSpec().getTemplate().getSpec().getContainers().stream()
            .anyMatch(c -> c.getCommand() != null && !c.getCommand().isEmpty() && c.getCommand().get(0).endsWith("/" + role.script)))
        .toList();
    assertThat(found).as("one Deployment runs %s", role.script).hasSize(1);
    return found.get(0);
  }

  private static Container container(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  /** The environment the container gets: its ConfigMaps (envFrom), then its own env. */
  private static Map<String, String> environment(List<HasMetadata> objects, Container c) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvFromSource from : c.getEnvFrom()) {
      String name = from.getConfigMapRef().getName();
      ConfigMap cm = all(objects, ConfigMap.class).stream().filter(m -> m.getMetadata().getName().equals(name)).findFirst()
          .orElseThrow(() -> new AssertionError("envFrom names ConfigMap " + name + ", which is not defined"));
      env.putAll(cm.getData());
    }
    for (EnvVar v : c.getEnv()) env.put(v.getName(), v.getValue() != null ? v.getValue() : "from-" + v.getName().toLowerCase());
    return env;
  }

  /** The names the container gets from ConfigMaps (envFrom), which coordinators and workers share. */
  private static java.util.Set<String> shared(List<HasMetadata> objects, Container c) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (EnvFromSource from : c.getEnvFrom()) {
      all(objects, ConfigMap.class).stream().filter(m -> m.getMetadata().getName().equals(from.getConfigMapRef().getName()))
          .forEach(m -> out.addAll(m.getData().keySet()));
    }
    c.getEnv().forEach(v -> out.remove(v.getName()));
    return out;
  }

  private static int port(Container c, IntOrString port) {
    if (port.getIntVal() != null) return port.getIntVal();
    return c.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).map(ContainerPort::getContainerPort).findFirst()
        .orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()));
  }

  private static int namedPort(Container c, String name) {
    return port(c, new IntOrString(name));
  }

  private static void checkObjects(String where, List<HasMetadata> objects, boolean secured) {
    Deployment coordinator = deploymentRunning(objects, Repo.Role.COORDINATOR);
    Deployment worker = deploymentRunning(objects, Repo.Role.WORKER);
    checkCoordinator(where, objects, coordinator, secured);
    checkWorker(where, objects, worker, coordinator);
    checkScaledObject(where, objects, worker, coordinator);
    for (Deployment d : List.of(coordinator, worker)) {
      Container c = container(d);
      assertThat(c.getImage()).as("%s image", d.getMetadata().getName()).matches("(.*/)?taskgrid(:.+)?");
      Repo.assertImageScript(where + " " + d.getMetadata().getName(), c.getCommand().get(0));
      assertThat(d.getSpec().getSelector().getMatchLabels().entrySet())
          .isSubsetOf(d.getSpec().getTemplate().getMetadata().getLabels().entrySet());
      Map<String, String> annotations = d.getSpec().getTemplate().getMetadata().getAnnotations();
      assertThat(annotations.get("prometheus.io/port")).as("metrics are scraped on the operations port")
          .isEqualTo(String.valueOf(namedPort(c, "http")));
      assertThat(annotations.get("prometheus.io/path")).isEqualTo("/metrics");
    }
  }

  private static void checkCoordinator(String where, List<HasMetadata> objects, Deployment d, boolean secured) {
    Container c = container(d);
    Map<String, String> env = environment(objects, c);
    Repo.Role.COORDINATOR.checkEnvironment(where + " coordinator", env, shared(objects, c));
    assertThat(d.getSpec().getReplicas()).as("two coordinators: one leads, one stands by").isGreaterThanOrEqualTo(2);

    int grpc = CoordinatorConfig.GRPC_PORT.read(env);
    assertThat(namedPort(c, "grpc")).as("the container opens TASKGRID_GRPC_PORT").isEqualTo(grpc);
    assertThat(namedPort(c, "http")).as("the container opens the operations port").isEqualTo(Integer.parseInt(env.get("TASKGRID_HTTP_PORT")));
    for (Probe probe : List.of(c.getReadinessProbe(), c.getLivenessProbe(), c.getStartupProbe())) {
      assertThat(probe).as("coordinator readiness, liveness and startup probes").isNotNull();
      if (secured) {
        // the gRPC port has TLS, which Kubernetes' gRPC probes do not speak
        assertThat(probe.getGrpc()).as("%s: no gRPC probe on a TLS port", where).isNull();
        assertThat(probe.getHttpGet().getScheme()).isEqualTo("HTTPS");
        assertThat(port(c, probe.getHttpGet().getPort())).as("probe on the operations port").isEqualTo(namedPort(c, "http"));
        assertThat(probe.getHttpGet().getPath()).startsWith("/health/");
      } else {
        assertThat(probe.getGrpc()).as("a gRPC health probe").isNotNull();
        assertThat(probe.getGrpc().getPort()).as("probe on the gRPC port").isEqualTo(grpc);
      }
    }

    PodDisruptionBudget pdb = all(objects, PodDisruptionBudget.class).get(0);
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels().entrySet())
        .as("the PodDisruptionBudget covers the coordinators").containsAll(pdb.getSpec().getSelector().getMatchLabels().entrySet());
    assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isBetween(1, d.getSpec().getReplicas() - 1);

    Service service = serviceSelecting(objects, d);
    for (ServicePort sp : service.getSpec().getPorts()) {
      assertThat(port(c, sp.getTargetPort())).as("service port %s", sp.getName()).isEqualTo(sp.getPort());
    }

    // the tasks file: the path TASKGRID_TASKS_FILE names is a key of a mounted ConfigMap, and its tasks are valid
    Path tasksFile = Path.of(CoordinatorConfig.TASKS_FILE.read(env));
    VolumeMount mount = c.getVolumeMounts().stream().filter(m -> tasksFile.getParent().toString().equals(m.getMountPath())).findFirst()
        .orElseThrow(() -> new AssertionError("nothing mounted at " + tasksFile.getParent()));
    PodSpec pod = d.getSpec().getTemplate().getSpec();
    Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
    ConfigMap tasks = all(objects, ConfigMap.class).stream()
        .filter(m -> m.getMetadata().getName().equals(volume.getConfigMap().getName())).findFirst().orElseThrow();
    String yaml = tasks.getData().get(tasksFile.getFileName().toString());
    assertThat(yaml).as("ConfigMap %s has %s", tasks.getMetadata().getName(), tasksFile.getFileName()).isNotNull();
    CoordinatorConfig config = CoordinatorConfig.fromEnvironment(Map.of());
    assertThat(TasksFileLoader.parse(where + " tasks ConfigMap", yaml, Map.of(), config.limits(), config.scheduling().defaultZone()))
        .isNotEmpty();
  }

  private static Service serviceSelecting(List<HasMetadata> objects, Deployment d) {
    Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
    return all(objects, Service.class).stream()
        .filter(s -> labels.entrySet().containsAll(s.getSpec().getSelector().entrySet()))
        .findFirst().orElseThrow(() -> new AssertionError("no Service selects " + d.getMetadata().getName()));
  }

  private static void checkWorker(String where, List<HasMetadata> objects, Deployment d, Deployment coordinator) {
    Container c = container(d);
    Map<String, String> env = environment(objects, c);
    Repo.Role.WORKER.checkEnvironment(where + " worker", env, shared(objects, c));

    int ops = Integer.parseInt(env.get("TASKGRID_HTTP_PORT"));
    assertThat(ops).isEqualTo(Repo.OPS_PORT);
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health/live");
    for (Probe probe : List.of(c.getReadinessProbe(), c.getLivenessProbe())) {
      assertThat(probe.getGrpc()).as("workers have no gRPC server").isNull();
      assertThat(port(c, probe.getHttpGet().getPort())).as("worker probes on the operations port").isEqualTo(ops);
    }

    Duration drain = WorkerConfig.DRAIN_TIMEOUT.read(env);
    long grace = d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
    assertThat(Duration.ofSeconds(grace)).as("%s: terminationGracePeriodSeconds above TASKGRID_DRAIN_TIMEOUT (%s)", where, drain)
        .isGreaterThan(drain);

    // every coordinator address is a Service in front of the coordinators, on the gRPC port
    Service coordinators = serviceSelecting(objects, coordinator);
    for (String address : WorkerConfig.COORDINATORS.read(env)) {
      String host = address.substring(0, address.indexOf(':'));
      int port = Integer.parseInt(address.substring(address.indexOf(':') + 1));
      assertThat(host.split("\\.")[0]).as("worker reports to %s", address).isEqualTo(coordinators.getMetadata().getName());
      assertThat(coordinators.getSpec().getPorts()).anyMatch(p -> p.getPort() == port && "grpc".equals(p.getName()));
    }
    serviceSelecting(objects, d);
  }

  private static void checkScaledObject(String where, List<HasMetadata> objects, Deployment worker, Deployment coordinator) {
    GenericKubernetesResource scaled = objects.stream().filter(h -> h.getKind().equals("ScaledObject"))
        .map(GenericKubernetesResource.class::cast).findFirst().orElseThrow();
    Map<String, Object> spec = map(scaled.getAdditionalProperties().get("spec"), "ScaledObject spec");
    Map<String, Object> target = map(spec.get("scaleTargetRef"), "scaleTargetRef");
    assertThat(target.get("name")).isEqualTo(worker.getMetadata().getName());
    assertThat(target.getOrDefault("kind", "Deployment")).isEqualTo("Deployment");

    Map<String, String> workerEnv = environment(objects, container(worker));
    Map<String, String> coordinatorEnv = environment(objects, container(coordinator));
    List<String> topics = new java.util.ArrayList<>();
    for (Object t : list(spec.get("triggers"), "triggers")) {
      Map<String, Object> trigger = map(t, "trigger");
      assertThat(trigger.get("type")).isEqualTo("kafka");
      Map<String, Object> meta = map(trigger.get("metadata"), "trigger metadata");
      topics.add((String) meta.get("topic"));
      assertThat(meta.get("consumerGroup")).as("%s: KEDA watches the workers' TASKGRID_WORKER_GROUP", where)
          .isEqualTo(WorkerConfig.GROUP.read(workerEnv));
      assertThat(meta.get("bootstrapServers")).as("%s: KEDA reads the workers' Kafka", where)
          .isEqualTo(WorkerConfig.KAFKA_BOOTSTRAP.read(workerEnv));
    }
    assertThat(topics).as("%s: KEDA watches the tasks topic of every priority (TASKGRID_TASKS_TOPIC and its suffixes)", where)
        .containsExactlyInAnyOrderElementsOf(new TaskTopics(WorkerConfig.TASKS_TOPIC.read(workerEnv)).all());
    int min = ((Number) spec.get("minReplicaCount")).intValue();
    int max = ((Number) spec.get("maxReplicaCount")).intValue();
    assertThat(min).isGreaterThanOrEqualTo(1);
    assertThat(max).as("no more workers than partitions of the tasks topic")
        .isBetween(min, CoordinatorConfig.TASKS_TOPIC_PARTITIONS.read(coordinatorEnv));
  }
}
