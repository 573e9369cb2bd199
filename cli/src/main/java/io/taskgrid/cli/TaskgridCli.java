package io.taskgrid.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.taskgrid.core.InvalidArgumentException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code taskgrid} command. {@link #run} is the whole program (tests call it in process);
 * {@link #main} only exits with its code.
 */
@Command(
    name = "taskgrid",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT, // --help and --version on every command
    versionProvider = TaskgridCli.Version.class,
    description = "Operate a Taskgrid cluster: tasks, executions, events, statistics, breakers, workers.",
    subcommands = {
        TasksCommand.class,
        PreviewCommand.class,
        SubmitCommand.class,
        ExecutionsCommand.class,
        EventsCommand.class,
        StatsCommand.class,
        BreakersCommand.class,
        WorkersCommand.class,
        WatchCommand.class,
        WhoAmICommand.class,
        KeysCommand.class,
        CompletionCommand.class,
        CommandLine.HelpCommand.class},
    footerHeading = "%nExit codes:%n",
    footer = {
        "  0  ok",
        "  1  the execution ended FAILED, TIMEOUT, CANCELLED or SKIPPED",
        "     (submit --wait, executions watch)",
        "  2  usage error, or INVALID_ARGUMENT from the coordinator (its message is printed)",
        "  3  not found (NOT_FOUND)",
        "  4  coordinator unreachable (UNAVAILABLE, DEADLINE_EXCEEDED)",
        "  5  another error of the coordinator (its status and message are printed)",
        "  6  not authenticated or not allowed (UNAUTHENTICATED, PERMISSION_DENIED;",
        "     the coordinator's message is printed)",
        "",
        "Coordinator: --coordinator host:port, else TASKGRID_COORDINATORS (comma-separated;",
        "the first that answers is used), else localhost:7233.",
        "Secured coordinators: --tls, --tls-ca, --tls-cert and --tls-key, --token or",
        "--token-file; each defaults to its TASKGRID_CLIENT_TLS* or TASKGRID_TOKEN*",
        "variable.",
        "Colour only on a terminal, and not when NO_COLOR is set."})
public final class TaskgridCli implements Runnable {
  public static final int OK = 0;
  public static final int EXECUTION_FAILED = 1;
  public static final int USAGE = 2;
  public static final int NOT_FOUND = 3;
  public static final int UNAVAILABLE = 4;
  public static final int SERVER_ERROR = 5;
  public static final int NOT_ALLOWED = 6;

  @Option(names = "--coordinator", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT[,HOST:PORT...]",
      description = "Coordinator(s) to call; the first that answers is used. Default: TASKGRID_COORDINATORS, else localhost:7233.")
  String coordinator;

  @Option(names = "--call-timeout", scope = ScopeType.INHERIT, paramLabel = "DURATION", defaultValue = "10s",
      description = "Deadline of each call (not of waiting or watching), e.g. 5s, 1m. Default: ${DEFAULT-VALUE}.")
  String callTimeout;

  @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
      description = "Bearer token (an API key or a JWT) sent to the coordinator. Default: TASKGRID_TOKEN. Prefer --token-file:"
          + " a command line can be seen by other users of the machine.")
  String token;

  @Option(names = "--token-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
      description = "File holding the bearer token. Default: TASKGRID_TOKEN_FILE.")
  String tokenFile;

  @Option(names = "--tls", scope = ScopeType.INHERIT,
      description = "Connect with TLS (implied by --tls-ca and --tls-cert); without --tls-ca the JVM's default trust store is used."
          + " Default: TASKGRID_CLIENT_TLS.")
  boolean tls;

  @Option(names = "--tls-ca", scope = ScopeType.INHERIT, paramLabel = "PEM",
      description = "PEM file of the CA certificates to trust for the coordinator's certificate. Default: TASKGRID_CLIENT_TLS_CA.")
  String tlsCa;

  @Option(names = "--tls-cert", scope = ScopeType.INHERIT, paramLabel = "PEM",
      description = "PEM file of a client certificate chain (mutual TLS), with --tls-key. Default: TASKGRID_CLIENT_TLS_CERT.")
  String tlsCert;

  @Option(names = "--tls-key", scope = ScopeType.INHERIT, paramLabel = "PEM",
      description = "PEM file (PKCS#8) of the client certificate's private key. Default: TASKGRID_CLIENT_TLS_KEY.")
  String tlsKey;

  @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT", defaultValue = "table",
      description = "table (for people, the default), json or yaml (for scripts; protobuf's JSON mapping).")
  Format output;

  /** How results are printed. */
  enum Format { table, json, yaml }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private final Context context;

  TaskgridCli(Context context) {
    this.context = context;
    context.root(this);
  }

  Context context() {
    return context;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (taskgrid --help lists them)");
  }

  public static void main(String[] args) {
    // Standard output is for results (-o json is parsed by scripts): libraries on the class path
    // (gRPC's Netty logs through SLF4J when it finds it) must not log there. Without an SLF4J
    // provider Netty falls back to java.util.logging, which writes its warnings to stderr.
    if (System.getProperty("slf4j.provider") == null) {
      System.setProperty("slf4j.internal.verbosity", "WARN");
      System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
    }
    System.exit(run(args, System.in, System.out, System.err, System.getenv(), terminal()));
  }

  /**
   * Whether standard input and output are a terminal. Java 21 has no console then; from Java 22 on
   * there may be a console anyway, and its isTerminal() (not in the 21 API) tells.
   */
  static boolean terminal() {
    java.io.Console console = System.console();
    if (console == null) return false;
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException java21) {
      return true;
    }
  }

  /**
   * Runs the command line {@code args} and returns its exit code.
   *
   * @param terminal whether {@code out} is a terminal (colour, unless NO_COLOR is set)
   */
  public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env, boolean terminal) {
    boolean colour = terminal && (env.get("NO_COLOR") == null || env.get("NO_COLOR").isEmpty());
    Context context = new Context(in, out, err, env, colour, Clock.systemUTC());
    CommandLine cl = new CommandLine(new TaskgridCli(context));
    cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cl.setColorScheme(CommandLine.Help.defaultColorScheme(colour ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler((e, line, parsed) -> handle(e, context));
    cl.setParameterExceptionHandler((e, args2) -> {
      e.getCommandLine().getErr().println("taskgrid: " + e.getMessage());
      e.getCommandLine().getErr().println("(" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help shows the usage)");
      return USAGE;
    });
    try {
      int code = cl.execute(args);
      return code;
    } finally {
      context.close();
    }
  }

  /** Errors the commands throw, as one line on stderr and an exit code: never a stack trace. */
  private static int handle(Exception e, Context context) {
    PrintStream err = context.err();
    return switch (e) {
      case UsageException u -> {
        err.println("taskgrid: " + u.getMessage());
        yield USAGE;
      }
      case InvalidArgumentException i -> {
        err.println("taskgrid: " + i.getMessage());
        yield USAGE;
      }
      case ExecutionFailedException f -> f.code();
      case StatusRuntimeException s -> serverError(s.getStatus(), context);
      default -> {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        if (root instanceof StatusRuntimeException s) yield serverError(s.getStatus(), context);
        err.println("taskgrid: " + e);
        yield SERVER_ERROR;
      }
    };
  }

  static int serverError(Status status, Context context) {
    PrintStream err = context.err();
    String message = status.getDescription() == null ? "" : status.getDescription();
    return switch (status.getCode()) {
      case INVALID_ARGUMENT -> {
        err.println("taskgrid: invalid argument: " + message);
        yield USAGE;
      }
      case NOT_FOUND -> {
        err.println("taskgrid: not found: " + message);
        yield NOT_FOUND;
      }
      case UNAVAILABLE, DEADLINE_EXCEEDED -> {
        Throwable tls = tlsFailure(status.getCause());
        if (tls != null) {
          err.println("taskgrid: TLS handshake with coordinator " + context.coordinatorsForMessages() + " failed: " + tls.getMessage()
              + " (is its certificate issued by a CA in --tls-ca, for the address called? does it accept the --tls-cert given?)");
          yield UNAVAILABLE;
        }
        // gRPC's "io exception" says little; its cause says "Connection refused: /127.0.0.1:7233"
        String cause = status.getCause() == null || status.getCause().getMessage() == null ? "" : " (" + status.getCause().getMessage() + ")";
        // a plaintext call to a TLS port ends with the connection closed, which says nothing of TLS
        String hint = (message + cause).contains("Network closed") && !context.security().tls() ? " (if the coordinator uses TLS, add --tls or --tls-ca)" : "";
        err.println("taskgrid: coordinator " + context.coordinatorsForMessages() + " unreachable (" + status.getCode() + ")"
            + (message.isEmpty() ? "" : ": " + message) + cause + hint);
        yield UNAVAILABLE;
      }
      case UNAUTHENTICATED -> {
        err.println("taskgrid: not authenticated: " + (message.isEmpty() ? "the coordinator requires credentials" : message)
            + " (give a valid --token or --token-file, or a client certificate with --tls-cert and --tls-key)");
        yield NOT_ALLOWED;
      }
      case PERMISSION_DENIED -> {
        err.println("taskgrid: permission denied: " + (message.isEmpty() ? "the caller's role does not allow this call" : message));
        yield NOT_ALLOWED;
      }
      case UNIMPLEMENTED -> {
        err.println("taskgrid: " + (message.isEmpty() ? "this coordinator does not support the call" : message));
        yield SERVER_ERROR;
      }
      default -> {
        err.println("taskgrid: " + status.getCode() + (message.isEmpty() ? "" : ": " + message));
        yield SERVER_ERROR;
      }
    };
  }

  /** The root cause of a TLS failure in {@code cause}'s chain (an untrusted certificate, say), else null. */
  private static Throwable tlsFailure(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException || t instanceof java.security.GeneralSecurityException) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root;
      }
    }
    return null;
  }

  /** A wrong flag value found before any call: exit 2 with this message. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  /** An execution that ended other than SUCCEEDED (its state is already printed). */
  static final class ExecutionFailedException extends RuntimeException {
    ExecutionFailedException() {
      super("execution did not succeed", null, false, false);
    }

    int code() {
      return EXECUTION_FAILED;
    }
  }

  /** The version from the jar's manifest (the build's project version). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = TaskgridCli.class.getPackage().getImplementationVersion();
      return new String[] {"taskgrid " + (v == null ? "(development build)" : v)};
    }
  }
}
