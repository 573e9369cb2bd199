package io.taskgrid.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.coordinator.CoordinatorConfig;
import io.taskgrid.core.config.Setting;
import io.taskgrid.worker.WorkerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The repository's deployment files and what they must agree with: the settings the processes
 * really read, the layout the distribution really builds.
 */
final class Repo {
  private Repo() {}

  static final Path ROOT = Path.of(System.getProperty("taskgrid.repo", "..")).toAbsolutePath().normalize();
  static final String VERSION = System.getProperty("taskgrid.version", "0.1.0-SNAPSHOT");

  /** Where the layout's files come from: bin/ and conf/ as they are copied into the distribution. */
  static final Path DIST_SRC = ROOT.resolve("distribution/src/main/dist");
  static final Path DOCKERFILE = ROOT.resolve("distribution/src/main/docker/Dockerfile");
  /** Where the Dockerfile puts the layout in the image. */
  static final String IMAGE_HOME = "/opt/taskgrid";

  /**
   * Settings the deployment files use that other changes add, not yet in CoordinatorConfig or
   * WorkerConfig on this branch. Remove each entry once its setting exists (the test then checks
   * it against the real definition).
   */
  static final Set<String> PENDING_SETTINGS = Set.of();
  /** The operations port the deployment files set TASKGRID_HTTP_PORT to (it is off by default). */
  static final int OPS_PORT = 8080;

  /** Names that are not Taskgrid settings but belong in a Taskgrid container's environment. */
  static boolean isOtherVariable(String name) {
    return name.startsWith("OTEL_") || name.equals("JAVA_OPTS") || name.equals("JAVA_HOME");
  }

  enum Role {
    COORDINATOR(CoordinatorConfig.SETTINGS, "taskgrid-coordinator"),
    WORKER(WorkerConfig.SETTINGS, "taskgrid-worker");

    final Set<String> settings;
    final String script;

    Role(List<Setting<?>> settings, String script) {
      this.settings = settings.stream().map(Setting::name).collect(Collectors.toCollection(TreeSet::new));
      this.script = script;
    }

    static Role ofCommand(String command) {
      for (Role r : values()) {
        if (command.endsWith("/" + r.script)) return r;
      }
      throw new AssertionError("not a Taskgrid process command: " + command);
    }

    /**
     * Checks an environment a process of this role would get: every TASKGRID_* name is one of
     * its settings (or pending), other names are OTEL_* or JAVA_OPTS, and every value parses.
     */
    void checkEnvironment(String where, Map<String, String> env) {
      checkEnvironment(where, env, Set.of());
    }

    /**
     * As {@link #checkEnvironment(String, Map)}, where the names in {@code shared} come from a
     * ConfigMap both roles read, so a setting of either role is right for them.
     */
    void checkEnvironment(String where, Map<String, String> env, Set<String> shared) {
      Map<String, String> real = new HashMap<>();
      for (var e : env.entrySet()) {
        String name = e.getKey();
        if (name.startsWith("TASKGRID_")) {
          boolean known = settings.contains(name) || PENDING_SETTINGS.contains(name)
              || (shared.contains(name) && Arrays.stream(values()).anyMatch(r -> r.settings.contains(name)));
          assertThat(known)
              .as("%s: %s is not a setting of the %s (%s)", where, name, this, settings)
              .isTrue();
          if (settings.contains(name)) real.put(name, e.getValue());
        } else {
          assertThat(isOtherVariable(name)).as("%s: %s is neither a TASKGRID_* setting nor OTEL_*/JAVA_OPTS", where, name).isTrue();
        }
      }
      try {
        switch (this) {
          case COORDINATOR -> CoordinatorConfig.fromEnvironment(real);
          case WORKER -> WorkerConfig.fromEnvironment(real);
        }
      } catch (IllegalArgumentException e) {
        throw new AssertionError(where + ": the " + this + " would not start: " + e.getMessage(), e);
      }
    }
  }

  /** A setting's value in {@code env}, else its default. */
  static <T> T read(Setting<T> setting, Map<String, String> env) {
    return setting.read(env);
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** YAML as plain maps and lists, anchors and merge keys resolved (as Docker Compose reads them). */
  @SuppressWarnings("unchecked")
  static Map<String, Object> yaml(Path file) {
    Object doc = new Yaml(new ComposeTags(), new org.yaml.snakeyaml.representer.Representer(new org.yaml.snakeyaml.DumperOptions()),
        new org.yaml.snakeyaml.DumperOptions(), new LoaderOptions()).load(read(file));
    assertThat(doc).as("%s is a YAML mapping", file).isInstanceOf(Map.class);
    return (Map<String, Object>) doc;
  }

  static List<Object> yamlDocuments(String text) {
    List<Object> out = new ArrayList<>();
    for (Object o : new Yaml(new LoaderOptions()).loadAll(text)) {
      if (o != null) out.add(o);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o, String what) {
    assertThat(o).as(what).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o, String what) {
    assertThat(o).as(what).isInstanceOf(List.class);
    return (List<Object>) o;
  }

  /** A path inside the image, e.g. /opt/taskgrid/bin/taskgrid-worker, must be a script of bin/. */
  static void assertImageScript(String where, String imagePath) {
    assertThat(imagePath).as("%s runs a script of the image's %s/bin", where, IMAGE_HOME).startsWith(IMAGE_HOME + "/bin/");
    Path script = DIST_SRC.resolve(imagePath.substring(IMAGE_HOME.length() + 1));
    assertThat(script).as("%s: %s is in the distribution", where, imagePath).isRegularFile();
    assertThat(Files.isExecutable(script)).as("%s is executable", script).isTrue();
  }

  /** Docker Compose's own tags: {@code !reset} (drop what the files before set) reads as null, {@code !override} as its value. */
  static final class ComposeTags extends org.yaml.snakeyaml.constructor.SafeConstructor {
    ComposeTags() {
      super(new LoaderOptions());
      yamlConstructors.put(new org.yaml.snakeyaml.nodes.Tag("!reset"), new org.yaml.snakeyaml.constructor.AbstractConstruct() {
        @Override
        public Object construct(org.yaml.snakeyaml.nodes.Node node) {
          return null;
        }
      });
      yamlConstructors.put(new org.yaml.snakeyaml.nodes.Tag("!override"), new org.yaml.snakeyaml.constructor.AbstractConstruct() {
        @Override
        public Object construct(org.yaml.snakeyaml.nodes.Node node) {
          return switch (node) {
            case org.yaml.snakeyaml.nodes.MappingNode m -> constructMapping(m);
            case org.yaml.snakeyaml.nodes.SequenceNode q -> constructSequence(q);
            default -> constructScalar((org.yaml.snakeyaml.nodes.ScalarNode) node);
          };
        }
      });
    }
  }
}
