package io.taskgrid.security.auth;

import io.taskgrid.security.Identity;
import io.taskgrid.security.Role;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The identities file ({@code TASKGRID_IDENTITIES_FILE}): who may call a coordinator, in YAML.
 * Errors name the line; a key's hash is never shown.
 *
 * <pre>
 * api_keys:
 *   - name: ci-pipeline                 # shown in audit lines and WhoAmI
 *     key_hash: sha256:9f86d0...        # sha256: and the 64 hex digits of SHA-256 of the key
 *     role: operator                    # viewer | operator | admin | worker
 *     handlers: [reports.build]         # optional allow-list of handlers
 *     task_prefixes: [nightly-]         # optional allow-list of registered task id prefixes
 * certificates:
 *   - common_name: worker-1             # CN of a client certificate signed by TASKGRID_TLS_CLIENT_CA
 *     role: worker
 * </pre>
 */
public final class IdentitiesFile {
  private static final Set<String> TOP = Set.of("api_keys", "certificates");
  private static final Set<String> KEY_FIELDS = Set.of("name", "key_hash", "role", "handlers", "task_prefixes");
  private static final Set<String> CERT_FIELDS = Set.of("common_name", "role", "handlers", "task_prefixes");

  private IdentitiesFile() {}

  /** Reads {@code file}; an unreadable or bad file throws an {@link IllegalArgumentException} naming the line. */
  public static Identities read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    return parse(text);
  }

  /** Parses the text of an identities file. */
  public static Identities parse(String text) {
    Node root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      options.setMaxAliasesForCollections(10);
      root = new Yaml(new SafeConstructor(options), new org.yaml.snakeyaml.representer.Representer(new org.yaml.snakeyaml.DumperOptions()),
          new org.yaml.snakeyaml.DumperOptions(), options).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      throw new IllegalArgumentException("line " + (e.getProblemMark().getLine() + 1) + ": not valid YAML: " + e.getProblem());
    } catch (YAMLException e) {
      throw new IllegalArgumentException("not valid YAML: " + e.getMessage());
    }
    if (root == null) return Identities.NONE;
    Map<String, Node> top = mapping(root, TOP, "the file");
    Map<String, Identity> keys = new LinkedHashMap<>();
    Map<String, Integer> keyNames = new LinkedHashMap<>();
    for (Node entry : sequence(top.get("api_keys"), "api_keys")) {
      Map<String, Node> f = mapping(entry, KEY_FIELDS, "an api_keys entry");
      String name = required(f, "name", entry);
      String hash = required(f, "key_hash", entry);
      if (!ApiKeys.STORED.matcher(hash).matches()) {
        throw error(f.get("key_hash"), "key_hash must be sha256: and 64 lowercase hex digits (the SHA-256 of the key), not the key itself");
      }
      Integer seen = keyNames.put(name, line(entry));
      if (seen != null) throw error(entry, "api key name '" + name + "' is also used on line " + seen);
      Identity identity = new Identity(name, role(f, entry), list(f.get("handlers"), "handlers"), list(f.get("task_prefixes"), "task_prefixes"),
          "api-key");
      if (keys.put(hash, identity) != null) throw error(f.get("key_hash"), "key_hash of '" + name + "' is the same as another key's");
    }
    Map<String, Identity> certs = new LinkedHashMap<>();
    for (Node entry : sequence(top.get("certificates"), "certificates")) {
      Map<String, Node> f = mapping(entry, CERT_FIELDS, "a certificates entry");
      String cn = required(f, "common_name", entry);
      Identity identity = new Identity(cn, role(f, entry), list(f.get("handlers"), "handlers"), list(f.get("task_prefixes"), "task_prefixes"),
          "mtls");
      if (certs.put(cn, identity) != null) throw error(entry, "common_name '" + cn + "' is listed twice");
    }
    return new Identities(keys, certs);
  }

  private static Role role(Map<String, Node> f, Node entry) {
    String label = required(f, "role", entry);
    try {
      return Role.parse(label);
    } catch (IllegalArgumentException e) {
      throw error(f.get("role"), "role " + e.getMessage());
    }
  }

  private static Map<String, Node> mapping(Node node, Set<String> allowed, String what) {
    if (!(node instanceof MappingNode m)) throw error(node, what + " must be a mapping of " + String.join(", ", allowed.stream().sorted().toList()));
    Map<String, Node> out = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
      if (key == null || !allowed.contains(key)) {
        throw error(t.getKeyNode(), "unknown field '" + key + "' in " + what + "; expected " + String.join(", ", allowed.stream().sorted().toList()));
      }
      out.put(key, t.getValueNode());
    }
    return out;
  }

  private static List<Node> sequence(Node node, String field) {
    if (node == null || isNull(node)) return List.of();
    if (!(node instanceof SequenceNode s)) throw error(node, field + " must be a list");
    return s.getValue();
  }

  private static String required(Map<String, Node> f, String field, Node entry) {
    Node n = f.get(field);
    if (n == null || isNull(n)) throw error(entry, field + " is required");
    if (!(n instanceof ScalarNode s) || s.getValue().isBlank()) throw error(n, field + " must be a non-empty text");
    return s.getValue().trim();
  }

  private static List<String> list(Node node, String field) {
    List<String> out = new ArrayList<>();
    for (Node n : sequence(node, field)) {
      if (!(n instanceof ScalarNode s) || s.getValue().isBlank()) throw error(n, field + " must be a list of non-empty texts");
      out.add(s.getValue().trim());
    }
    return out;
  }

  private static boolean isNull(Node n) {
    return n instanceof ScalarNode s && s.getTag().getValue().endsWith(":null");
  }

  private static int line(Node node) {
    return node.getStartMark().getLine() + 1;
  }

  private static IllegalArgumentException error(Node node, String problem) {
    return new IllegalArgumentException("line " + line(node) + ": " + problem);
  }
}
