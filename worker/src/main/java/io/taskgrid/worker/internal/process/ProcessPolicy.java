package io.taskgrid.worker.internal.process;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskgrid.core.Durations;
import io.taskgrid.worker.InvalidPayloadException;
import io.taskgrid.worker.ProcessConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a {@code process} task's JSON payload into a {@link ProcessSpec}, or refuses it with an
 * {@link InvalidPayloadException} naming the field: programs only from the allow-list, the working
 * directory and path arguments only inside the roots (no {@code ..}, real paths so no symbolic link
 * leads out), the environment only the allow-listed variables of the worker plus the request's.
 */
public final class ProcessPolicy {
  /** The fields of the payload; any other field is refused, so a misspelt one is not ignored. */
  static final Set<String> FIELDS = Set.of("program", "args", "pathArgs", "workingDir", "env", "stdin", "timeout");
  private static final int MAX_ARGS = 4096;

  private final ProcessConfig config;
  private final Map<String, String> workerEnvironment;

  /**
   * @param workerEnvironment the worker's environment, of which only {@link
   *     ProcessConfig#inheritedEnvironment()} is passed on
   */
  public ProcessPolicy(ProcessConfig config, Map<String, String> workerEnvironment) {
    this.config = config;
    this.workerEnvironment = Map.copyOf(workerEnvironment);
  }

  public ProcessSpec check(JsonNode payload) throws InvalidPayloadException {
    if (payload == null || !payload.isObject()) throw invalid("payload", "must be a JSON object", payload);
    for (Iterator<String> names = payload.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) throw new InvalidPayloadException("payload." + name + ": unknown field; the fields are " + new java.util.TreeSet<>(FIELDS));
    }
    Path program = program(text(payload, "program", true));
    List<String> args = args(payload.get("args"));
    Path workingDir = workingDirectory(text(payload, "workingDir", false));
    checkPathArgs(payload.get("pathArgs"), args, workingDir);
    Map<String, String> env = environment(payload.get("env"));
    byte[] stdin = stdin(text(payload, "stdin", false));
    Optional<Duration> timeout = timeout(text(payload, "timeout", false));
    return new ProcessSpec(program, args, workingDir, env, stdin, timeout);
  }

  private static String text(JsonNode payload, String field, boolean required) throws InvalidPayloadException {
    JsonNode n = payload.get(field);
    if (n == null || n.isNull()) {
      if (required) throw new InvalidPayloadException("payload." + field + ": is required");
      return null;
    }
    if (!n.isTextual()) throw invalid("payload." + field, "must be a string", n);
    return n.asText();
  }

  Path program(String program) throws InvalidPayloadException {
    String field = "payload.program";
    if (program.isEmpty() || program.indexOf('\0') >= 0) throw invalid(field, "must be a program name or an absolute path", program);
    if (!program.contains("/")) {
      if (!config.programs().contains(program)) throw notAllowed(field, program);
      for (Path dir : config.searchPath()) {
        Path candidate = dir.resolve(program);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return real(field, candidate, program);
      }
      throw invalid(field, "is allowed but not found in " + ProcessConfig.SEARCH_PATH.name() + " " + config.searchPath(), program);
    }
    if (!program.startsWith("/")) throw invalid(field, "must be a program name or an absolute path, not a relative path", program);
    if (hasDotDot(program)) throw invalid(field, "must not contain ..", program);
    Path path = path(field, program);
    if (!Files.isRegularFile(path) || !Files.isExecutable(path)) throw invalid(field, "is not an executable file", program);
    Path real = real(field, path, program);
    for (String entry : config.programs()) {
      if (!entry.startsWith("/")) continue;
      Path allowed = Path.of(entry);
      if (entry.endsWith("/")) {
        Path dir = Files.isDirectory(allowed) ? real(field, allowed, program) : null;
        if (dir != null && real.getParent() != null && real.getParent().equals(dir)) return real;
      } else if (allowed.equals(path) || (Files.exists(allowed) && real(field, allowed, program).equals(real))) {
        return real;
      }
    }
    throw notAllowed(field, program);
  }

  private static InvalidPayloadException notAllowed(String field, String program) {
    return new InvalidPayloadException(field + ": '" + program + "' is not on the worker's allow-list (" + ProcessConfig.PROGRAMS.name() + ")");
  }

  private static List<String> args(JsonNode n) throws InvalidPayloadException {
    List<String> args = new ArrayList<>();
    if (n == null || n.isNull()) return args;
    if (!n.isArray()) throw invalid("payload.args", "must be an array of strings", n);
    if (n.size() > MAX_ARGS) throw invalid("payload.args", "must have at most " + MAX_ARGS + " elements", n.size());
    for (int i = 0; i < n.size(); i++) {
      JsonNode a = n.get(i);
      if (!a.isTextual()) throw invalid("payload.args[" + i + "]", "must be a string", a);
      if (a.asText().indexOf('\0') >= 0) throw invalid("payload.args[" + i + "]", "must not contain a NUL character", a.asText());
      args.add(a.asText());
    }
    return args;
  }

  Path workingDirectory(String dir) throws InvalidPayloadException {
    String field = "payload.workingDir";
    if (dir == null) {
      if (config.roots().isEmpty()) return Path.of(System.getProperty("java.io.tmpdir"));
      return real(field, config.roots().getFirst(), config.roots().getFirst().toString());
    }
    Path p = confined(field, dir, null);
    if (!Files.isDirectory(p)) throw invalid(field, "is not an existing directory", dir);
    return p;
  }

  private void checkPathArgs(JsonNode n, List<String> args, Path workingDir) throws InvalidPayloadException {
    if (n == null || n.isNull()) return;
    if (!n.isArray()) throw invalid("payload.pathArgs", "must be an array of indexes into args", n);
    for (int i = 0; i < n.size(); i++) {
      JsonNode index = n.get(i);
      if (!index.isInt() || index.asInt() < 0 || index.asInt() >= args.size()) {
        throw invalid("payload.pathArgs[" + i + "]", "must be an index into args (0 to " + (args.size() - 1) + ")", index);
      }
      int a = index.asInt();
      confined("payload.args[" + a + "]", args.get(a), workingDir);
    }
  }

  /**
   * The real path of {@code value} (relative ones against {@code base}, or the first root), which
   * must lie in a root; a path that does not exist yet is checked through its nearest existing
   * ancestor, so a symbolic link on the way cannot lead out.
   */
  Path confined(String field, String value, Path base) throws InvalidPayloadException {
    if (config.roots().isEmpty()) throw invalid(field, "is a path, and the worker allows none (" + ProcessConfig.ROOTS.name() + " is empty)", value);
    if (value.isEmpty() || value.indexOf('\0') >= 0) throw invalid(field, "must be a path", value);
    if (hasDotDot(value)) throw invalid(field, "must not contain ..", value);
    Path p = path(field, value);
    if (!p.isAbsolute()) p = (base != null ? base : real(field, config.roots().getFirst(), value)).resolve(p);
    Path existing = p.normalize();
    Path rest = existing.getRoot().relativize(existing.getRoot());
    while (!Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      rest = existing.getFileName().resolve(rest);
      existing = existing.getParent();
      if (existing == null) throw invalid(field, "has no existing parent directory", value);
    }
    Path real = real(field, existing, value).resolve(rest);
    for (Path root : config.roots()) {
      if (Files.isDirectory(root) && real.startsWith(real(field, root, value))) return real;
    }
    throw invalid(field, "is outside the allowed roots " + config.roots() + " (resolved to " + real + ")", value);
  }

  private Map<String, String> environment(JsonNode n) throws InvalidPayloadException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String name : config.inheritedEnvironment()) {
      String v = workerEnvironment.get(name);
      if (v != null) env.put(name, v);
    }
    if (n == null || n.isNull()) return env;
    if (!n.isObject()) throw invalid("payload.env", "must be an object of strings", n);
    for (var it = n.fields(); it.hasNext(); ) {
      var e = it.next();
      String field = "payload.env." + e.getKey();
      if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) throw invalid(field, "must be named with letters, digits and _", e.getKey());
      if (injects(e.getKey())) {
        throw invalid(field, "is a variable that makes a program load other code (dynamic loader or interpreter start-up), which a request may not set", e.getKey());
      }
      if (!e.getValue().isTextual()) throw invalid(field, "must be a string", e.getValue());
      if (e.getValue().asText().indexOf('\0') >= 0) throw invalid(field, "must not contain a NUL character", e.getValue().asText());
      env.put(e.getKey(), e.getValue().asText());
    }
    return env;
  }

  private static byte[] stdin(String base64) throws InvalidPayloadException {
    if (base64 == null) return new byte[0];
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw invalid("payload.stdin", "must be base64 (" + e.getMessage() + ")", base64.length() > 40 ? base64.substring(0, 40) + "…" : base64);
    }
  }

  private static Optional<Duration> timeout(String text) throws InvalidPayloadException {
    if (text == null) return Optional.empty();
    Duration d;
    try {
      d = Durations.parse("payload.timeout", text);
    } catch (RuntimeException e) {
      throw invalid("payload.timeout", "must be a duration such as 500ms, 30s or 5m", text);
    }
    if (d.isZero() || d.isNegative()) throw invalid("payload.timeout", "must be positive", text);
    return Optional.of(d);
  }

  /**
   * Variables through which a request could make an allowed program load code of its choosing: the
   * dynamic loader's ({@code LD_*}, {@code DYLD_*}) and the start-up hooks of common shells and
   * runtimes. A worker may still pass its own through {@code TASKGRID_PROCESS_INHERITED_ENV}.
   */
  private static final Set<String> INJECTING = Set.of("BASH_ENV", "ENV", "SHELLOPTS", "BASHOPTS", "PS4", "IFS", "JAVA_TOOL_OPTIONS",
      "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "NODE_OPTIONS", "NODE_PATH", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME", "PERL5OPT",
      "PERL5LIB", "PERLLIB", "RUBYOPT", "RUBYLIB", "GCONV_PATH", "LOCPATH", "MALLOC_CHECK_", "HOSTALIASES", "RESOLV_HOST_CONF");

  static boolean injects(String name) {
    return name.startsWith("LD_") || name.startsWith("DYLD_") || INJECTING.contains(name);
  }

  private static boolean hasDotDot(String path) {
    for (String part : path.split("/")) if (part.equals("..")) return true;
    return false;
  }

  private static Path path(String field, String value) throws InvalidPayloadException {
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw invalid(field, "is not a valid path", value);
    }
  }

  private static Path real(String field, Path p, String value) throws InvalidPayloadException {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      throw invalid(field, "cannot be resolved (" + e.getMessage() + ")", value);
    }
  }

  private static InvalidPayloadException invalid(String field, String problem, Object value) {
    return new InvalidPayloadException(field + ": " + problem + ", got '" + value + "'");
  }
}
