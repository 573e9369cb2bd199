package io.taskgrid.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code taskgrid keys}: API keys for the coordinators' identities file. */
@Command(name = "keys", description = "API keys for the coordinators' identities file.", subcommands = KeysCommand.New.class)
final class KeysCommand extends Base {
  /** Key prefix: makes a leaked key easy to recognise (secret scanners) and to tell from a JWT. */
  static final String PREFIX = "tgk_";
  static final List<String> ROLES = List.of("viewer", "operator", "admin", "worker");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");
  private static final Pattern HANDLER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern TASK_PREFIX = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  @Override
  public Integer call() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: keys new");
  }

  /** The {@code sha256:<hex>} form the identities file stores ({@code key_hash}): SHA-256 of the key's UTF-8 bytes. */
  static String hash(String key) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** A new key: 32 random bytes, URL-safe base64 without padding, after {@link #PREFIX}. */
  static String newKey(SecureRandom random) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** {@code taskgrid keys new}: a random key, shown once, and the entry that stores its hash. */
  @Command(name = "new", description = {
      "Generates an API key and prints it once, with the entry to add under",
      "api_keys in the coordinators' identities file (it stores only the key's",
      "SHA-256). Nothing is sent: the key works once the coordinators read the file."})
  static final class New extends Base {
    @Option(names = "--name", required = true, paramLabel = "NAME", description = "Name of the identity (shown in audit logs and whoami).")
    String name;

    @Option(names = "--role", required = true, paramLabel = "ROLE", description = "viewer, operator, admin or worker.")
    String role;

    @Option(names = "--handlers", split = ",", paramLabel = "HANDLER", description = "Only these handlers (comma-separated).")
    List<String> handlers = List.of();

    @Option(names = "--task-prefixes", split = ",", paramLabel = "PREFIX", description = "Only registered tasks whose id starts with one of these.")
    List<String> taskPrefixes = List.of();

    @Override
    public Integer call() {
      if (!NAME.matcher(name).matches()) {
        throw new TaskgridCli.UsageException("--name: must be 1 to 128 letters, digits or . _ @ - starting with a letter or digit, got \"" + name + "\"");
      }
      String r = role.trim().toLowerCase(java.util.Locale.ROOT);
      if (!ROLES.contains(r)) throw new TaskgridCli.UsageException("--role: must be one of " + String.join(", ", ROLES) + ", got \"" + role + "\"");
      for (String h : handlers) {
        if (!HANDLER.matcher(h).matches()) throw new TaskgridCli.UsageException("--handlers: \"" + h + "\" is not a handler name");
      }
      for (String p : taskPrefixes) {
        if (!TASK_PREFIX.matcher(p).matches()) throw new TaskgridCli.UsageException("--task-prefixes: \"" + p + "\" is not a task id prefix");
      }
      String key = newKey(new SecureRandom());
      ObjectNode entry = new ObjectMapper().createObjectNode();
      entry.put("name", name).put("key_hash", hash(key)).put("role", r);
      if (!handlers.isEmpty()) handlers.forEach(entry.putArray("handlers")::add);
      if (!taskPrefixes.isEmpty()) taskPrefixes.forEach(entry.putArray("task_prefixes")::add);
      if (!table()) {
        ObjectNode out = new ObjectMapper().createObjectNode();
        out.put("key", key);
        out.set("entry", entry);
        String json = out.toPrettyString();
        ctx().out().println(format() == TaskgridCli.Format.json ? json : Render.yaml(json));
        return TaskgridCli.OK;
      }
      Render render = render();
      render.line("API key of " + name + " (role " + r + "). It is shown only this once: keep it as a secret.");
      render.line("");
      render.line("  " + key);
      render.line("");
      render.line("Add this entry under api_keys in the coordinators' identities file (TASKGRID_IDENTITIES_FILE):");
      render.line("");
      Render.yaml("[" + entry + "]").lines().forEach(l -> render.line("  " + l));
      return TaskgridCli.OK;
    }
  }
}
