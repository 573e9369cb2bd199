package io.taskgrid.worker;

import io.taskgrid.core.config.Setting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Settings of the built-in {@code process} handler, which runs external programs (see the README,
 * "Process tasks"). Off unless {@code enabled}; then only allow-listed programs run, never through
 * a shell.
 *
 * @param enabled whether the worker registers the {@code process} handler
 * @param programs the allow-list: bare names ({@code echo}, looked up in {@code searchPath}),
 *     absolute paths of programs, or absolute paths of directories ending in {@code /} (every
 *     program inside may run, by absolute path)
 * @param searchPath directories where program names are looked up, in order
 * @param roots directories a working directory or a path argument must lie in (after resolving
 *     symbolic links); the first is the default working directory. Empty: no working directory
 *     and no path argument may be requested, and programs run in the system temporary directory
 * @param inheritedEnvironment names of the worker's environment variables a program sees; nothing
 *     else of the worker's environment is passed on
 * @param maxOutputBytes bytes of standard output, and again of standard error, kept per run; the
 *     rest is read and dropped, and the result says {@code truncated}
 * @param killGrace how long a program (and each of its descendants) has between SIGTERM and
 *     SIGKILL on timeout and cancel
 */
public record ProcessConfig(
    boolean enabled,
    List<String> programs,
    List<Path> searchPath,
    List<Path> roots,
    List<String> inheritedEnvironment,
    int maxOutputBytes,
    Duration killGrace) {

  public static final Setting<Boolean> ENABLED =
      new Setting<>("TASKGRID_PROCESS_ENABLED", "false", "Whether the worker registers the built-in `process` handler, which runs allow-listed programs.", ProcessConfig::bool);
  public static final Setting<List<String>> PROGRAMS =
      new Setting<>("TASKGRID_PROCESS_PROGRAMS", "", "Comma-separated programs the `process` handler may run: names (looked up in `TASKGRID_PROCESS_SEARCH_PATH`), absolute paths, or directories ending in `/`.", ProcessConfig::list);
  public static final Setting<List<Path>> SEARCH_PATH =
      new Setting<>("TASKGRID_PROCESS_SEARCH_PATH", "/usr/local/bin:/usr/bin:/bin", "Colon-separated directories where program names are looked up.", s -> paths(s, ":"));
  public static final Setting<List<Path>> ROOTS =
      new Setting<>("TASKGRID_PROCESS_ROOTS", "", "Comma-separated directories a process's working directory and path arguments must lie in; the first is the default working directory.", s -> paths(s, ","));
  public static final Setting<List<String>> INHERITED_ENV =
      new Setting<>("TASKGRID_PROCESS_INHERITED_ENV", "PATH,LANG,LC_ALL,TZ", "Comma-separated names of the worker's environment variables a process sees; no other variable of the worker is passed on.", ProcessConfig::list);
  public static final Setting<Integer> MAX_OUTPUT_BYTES =
      new Setting<>("TASKGRID_PROCESS_MAX_OUTPUT_BYTES", "262144", "Bytes of standard output, and again of standard error, a process result keeps; the rest is dropped and flagged `truncated`.", Setting::positiveInt);
  public static final Setting<Duration> KILL_GRACE =
      new Setting<>("TASKGRID_PROCESS_KILL_GRACE", "5s", "Time between SIGTERM and SIGKILL when a process tree is killed (timeout, cancel).", Setting::duration);

  /** Every process setting, in README order. */
  public static final List<Setting<?>> SETTINGS = List.of(ENABLED, PROGRAMS, SEARCH_PATH, ROOTS, INHERITED_ENV, MAX_OUTPUT_BYTES, KILL_GRACE);

  /** Off: the defaults of every setting. */
  public static final ProcessConfig OFF = fromEnvironment(Map.of());

  public ProcessConfig {
    programs = programs == null ? List.of() : List.copyOf(programs);
    searchPath = searchPath == null ? List.of() : List.copyOf(searchPath);
    roots = roots == null ? List.of() : List.copyOf(roots);
    inheritedEnvironment = inheritedEnvironment == null ? List.of() : List.copyOf(inheritedEnvironment);
    for (String p : programs) {
      boolean name = p.matches("[A-Za-z0-9._+-]+") && !p.equals(".") && !p.equals("..");
      if (!name && !(p.startsWith("/") && !Arrays.asList(p.split("/")).contains(".."))) {
        throw PROGRAMS.invalid("must hold program names, absolute paths or directories ending in /, without ..", p);
      }
    }
    if (enabled && programs.isEmpty()) throw PROGRAMS.invalid("must name at least one program when TASKGRID_PROCESS_ENABLED is true", "");
    for (Path p : searchPath) if (!p.isAbsolute()) throw SEARCH_PATH.invalid("must hold absolute directories", p);
    for (Path p : roots) if (!p.isAbsolute()) throw ROOTS.invalid("must hold absolute directories", p);
    for (String v : inheritedEnvironment) {
      if (!v.matches("[A-Za-z_][A-Za-z0-9_]*")) throw INHERITED_ENV.invalid("must hold environment variable names", v);
    }
    if (maxOutputBytes < 1) throw MAX_OUTPUT_BYTES.invalid("must be positive", maxOutputBytes);
    if (killGrace == null || killGrace.isNegative()) throw KILL_GRACE.invalid("must not be negative", killGrace);
  }

  public static ProcessConfig fromEnvironment(Map<String, String> env) {
    return new ProcessConfig(ENABLED.read(env), PROGRAMS.read(env), SEARCH_PATH.read(env), ROOTS.read(env), INHERITED_ENV.read(env),
        MAX_OUTPUT_BYTES.read(env), KILL_GRACE.read(env));
  }

  /** Enabled, allowing {@code programs}, with the other settings at their defaults. */
  public static ProcessConfig allowing(String... programs) {
    return new ProcessConfig(true, List.of(programs), OFF.searchPath, OFF.roots, OFF.inheritedEnvironment, OFF.maxOutputBytes, OFF.killGrace);
  }

  public ProcessConfig withEnabled(boolean on) {
    return new ProcessConfig(on, programs, searchPath, roots, inheritedEnvironment, maxOutputBytes, killGrace);
  }

  public ProcessConfig withPrograms(List<String> allowed) {
    return new ProcessConfig(enabled, allowed, searchPath, roots, inheritedEnvironment, maxOutputBytes, killGrace);
  }

  public ProcessConfig withRoots(List<Path> dirs) {
    return new ProcessConfig(enabled, programs, searchPath, dirs, inheritedEnvironment, maxOutputBytes, killGrace);
  }

  public ProcessConfig withInheritedEnvironment(List<String> names) {
    return new ProcessConfig(enabled, programs, searchPath, roots, names, maxOutputBytes, killGrace);
  }

  public ProcessConfig withMaxOutputBytes(int bytes) {
    return new ProcessConfig(enabled, programs, searchPath, roots, inheritedEnvironment, bytes, killGrace);
  }

  public ProcessConfig withKillGrace(Duration grace) {
    return new ProcessConfig(enabled, programs, searchPath, roots, inheritedEnvironment, maxOutputBytes, grace);
  }

  private static Boolean bool(String s) {
    return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("must be true or false");
    };
  }

  private static List<String> list(String s) {
    return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
  }

  private static List<Path> paths(String s, String separator) {
    return Arrays.stream(s.split(separator)).map(String::trim).filter(x -> !x.isEmpty()).map(Path::of).toList();
  }
}
