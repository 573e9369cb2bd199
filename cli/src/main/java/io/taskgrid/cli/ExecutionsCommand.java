package io.taskgrid.cli;

import io.taskgrid.proto.v1.Attempt;
import io.taskgrid.proto.v1.CancelExecutionRequest;
import io.taskgrid.proto.v1.Execution;
import io.taskgrid.proto.v1.ExecutionStatus;
import io.taskgrid.proto.v1.ExecutionUpdate;
import io.taskgrid.proto.v1.GetExecutionRequest;
import io.taskgrid.proto.v1.ListExecutionsRequest;
import io.taskgrid.proto.v1.ListExecutionsResponse;
import io.taskgrid.proto.v1.OutputLine;
import io.taskgrid.proto.v1.OutputStream;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.WatchExecutionRequest;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code taskgrid executions ...}: runs of handlers. */
@Command(name = "executions", description = "Executions: list, get, watch, cancel.",
    subcommands = {ExecutionsCommand.ListExecutions.class, ExecutionsCommand.GetExecution.class, ExecutionsCommand.WatchExecution.class,
        ExecutionsCommand.CancelExecution.class})
final class ExecutionsCommand extends Base {
  @Override
  public Integer call() {
    spec.commandLine().usage(ctx().out());
    return TaskgridCli.USAGE;
  }

  static boolean terminal(ExecutionStatus s) {
    return switch (s) {
      case EXECUTION_STATUS_SUCCEEDED, EXECUTION_STATUS_FAILED, EXECUTION_STATUS_TIMEOUT, EXECUTION_STATUS_SKIPPED,
           EXECUTION_STATUS_CANCELLED -> true;
      default -> false;
    };
  }

  /** Handler run time: finish minus start, or "-" while not both known. */
  static String took(Execution e) {
    if (!Render.isSet(e.getStartedAt()) || !Render.isSet(e.getFinishedAt())) return "-";
    return Times.compact(Duration.between(Render.instant(e.getStartedAt()), Render.instant(e.getFinishedAt())));
  }

  static String payloadText(Payload p) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(p.getData().asReadOnlyByteBuffer()).toString();
    } catch (CharacterCodingException e) {
      return "(" + p.getData().size() + " bytes of " + (p.getContentType().isEmpty() ? "application/octet-stream" : p.getContentType()) + ")";
    }
  }

  /**
   * Watches {@code id} until it is terminal. With {@code everyChange} every state and output line
   * is printed as it comes; otherwise only the outcome. Exit 1 unless it SUCCEEDED.
   */
  static int awaitOutcome(Base command, String id, boolean everyChange) {
    Context ctx = command.ctx();
    Iterator<ExecutionUpdate> updates = ctx.api().stream().watchExecution(WatchExecutionRequest.newBuilder().setExecutionId(id).build());
    Execution last = null;
    ExecutionStatus shown = null;
    while (updates.hasNext()) {
      ExecutionUpdate u = updates.next();
      if (u.getOutputCount() > 0) {
        if (everyChange) {
          if (command.table()) {
            for (OutputLine l : u.getOutputList()) {
              String prefix = l.getStream() == OutputStream.OUTPUT_STREAM_STDERR ? "  ! " : "  | ";
              ctx.out().println(prefix + l.getText());
            }
          } else {
            command.render().streamed(u, command.format());
          }
        }
        continue;
      }
      last = u.getExecution();
      if (everyChange && (last.getStatus() != shown || last.getStatus() == ExecutionStatus.EXECUTION_STATUS_RUNNING)) {
        if (command.table()) {
          Render r = ctx.render();
          String st = Render.status(last.getStatus());
          ctx.out().println(Instant.now(ctx.clock()).atZone(ZoneId.systemDefault()).toLocalTime().withNano(0) + "  "
              + r.paint(st, Render.statusStyle(st)) + "  attempt " + last.getAttempt()
              + (last.getWorkerId().isEmpty() ? "" : " on " + last.getWorkerId())
              + (last.getReason().isEmpty() ? "" : "  reason " + last.getReason())
              + (last.hasError() && !last.getError().getType().isEmpty() ? "  " + last.getError().getType() + ": " + last.getError().getMessage() : ""));
        } else {
          command.render().streamed(u, command.format());
        }
        shown = last.getStatus();
      }
      if (terminal(last.getStatus())) break;
    }
    if (last == null || !terminal(last.getStatus())) {
      throw io.grpc.Status.UNAVAILABLE.withDescription("the watch of " + id + " ended before the execution did").asRuntimeException();
    }
    if (!everyChange) {
      if (command.table()) {
        printOutcome(command.render(), last);
      } else {
        command.render().message(last, command.format());
      }
    }
    if (last.getStatus() != ExecutionStatus.EXECUTION_STATUS_SUCCEEDED) throw new TaskgridCli.ExecutionFailedException();
    return TaskgridCli.OK;
  }

  private static void printOutcome(Render r, Execution e) {
    String st = Render.status(e.getStatus());
    StringBuilder b = new StringBuilder(e.getExecutionId()).append("  ").append(r.paint(st, Render.statusStyle(st)));
    if (!"-".equals(took(e))) b.append(" in ").append(took(e));
    b.append(" (attempt ").append(e.getAttempt()).append(")");
    if (!e.getReason().isEmpty()) b.append("  reason: ").append(e.getReason());
    r.line(b.toString());
    if (e.hasError() && !e.getError().getType().isEmpty()) r.line("error: " + e.getError().getType() + ": " + e.getError().getMessage());
    if (e.hasResult() && !e.getResult().getData().isEmpty()) r.line(payloadText(e.getResult()));
  }

  @Command(name = "list", description = "Lists executions, newest first.")
  static final class ListExecutions extends Base {
    @Option(names = "--task", paramLabel = "TASK_ID", description = "Only executions of this registered task.")
    String task;

    @Option(names = "--handler", description = "Only executions of this handler.")
    String handler;

    @Option(names = "--status", split = ",", paramLabel = "STATUS",
        description = "Only these statuses (comma-separated or repeated): pending, running, succeeded, failed, timeout, skipped, cancelled, retry_scheduled, queued.")
    List<String> statuses = new ArrayList<>();

    @Option(names = "--since", paramLabel = "WHEN", description = "Submitted at or after: 30m (ago), 2026-12-01T10:00:00Z or a local 2026-12-01T10:00.")
    String since;

    @Option(names = "--until", paramLabel = "WHEN", description = "Submitted before (same forms as --since).")
    String until;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Only executions with this label; repeatable (all must match).")
    List<String> labels = new ArrayList<>();

    @Option(names = "--limit", defaultValue = "50", description = "At most this many (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
      if (limit < 1) throw new TaskgridCli.UsageException("--limit: must be at least 1, got " + limit);
      ListExecutionsRequest.Builder req = ListExecutionsRequest.newBuilder();
      if (task != null) req.setTaskId(task);
      if (handler != null) req.setHandler(handler);
      for (String s : statuses) req.addStatuses(Inputs.protoEnum("--status", ExecutionStatus.class, "EXECUTION_STATUS_", s));
      Instant now = ctx().clock().instant();
      if (since != null) req.setSubmittedAfter(Inputs.timestamp(Inputs.pointInTime("--since", since, now, ZoneId.systemDefault())));
      if (until != null) req.setSubmittedBefore(Inputs.timestamp(Inputs.pointInTime("--until", until, now, ZoneId.systemDefault())));
      req.putAllLabels(Inputs.labels("--label", labels));
      List<Execution> found = new ArrayList<>();
      String token = "";
      do {
        // a selective filter can give short or empty pages that still have a token: page until the limit or the end
        ListExecutionsResponse page = ctx().api().call().listExecutions(
            req.setPageSize(Math.min(1000, limit - found.size())).setPageToken(token).build());
        found.addAll(page.getExecutionsList());
        token = page.getNextPageToken();
      } while (!token.isEmpty() && found.size() < limit);
      if (!table()) {
        render().message(ListExecutionsResponse.newBuilder().addAllExecutions(found).setNextPageToken(token).build(), format());
        return TaskgridCli.OK;
      }
      Render r = render();
      Render.Table t = r.table("ID", "HANDLER", "TASK", "STATUS", "ATTEMPT", "SUBMITTED", "TOOK", "LABELS");
      t.style(3, Render::statusStyle);
      for (Execution e : found) {
        t.row(e.getExecutionId(), e.getHandler(), e.getTaskId().isEmpty() ? "-" : e.getTaskId(), Render.status(e.getStatus()),
            Integer.toString(e.getAttempt()), r.when(e.getSubmittedAt()), took(e), labels(e.getLabelsMap()));
      }
      t.print();
      return TaskgridCli.OK;
    }
  }

  static String labels(Map<String, String> labels) {
    if (labels.isEmpty()) return "-";
    return labels.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }

  @Command(name = "get", description = "Shows one execution: status, attempts, error, result.")
  static final class GetExecution extends Base {
    @Parameters(paramLabel = "EXECUTION_ID")
    String id;

    @Override
    public Integer call() {
      Execution e = ctx().api().call().getExecution(GetExecutionRequest.newBuilder().setExecutionId(id).build());
      if (!table()) {
        render().message(e, format());
        return TaskgridCli.OK;
      }
      Render r = render();
      Fields f = new Fields(r);
      String st = Render.status(e.getStatus());
      f.add("id", e.getExecutionId());
      f.add("handler", e.getHandler());
      if (!e.getTaskId().isEmpty()) f.add("task", e.getTaskId());
      f.add("status", st, Render.statusStyle(st));
      if (!e.getReason().isEmpty()) f.add("reason", e.getReason());
      f.add("attempt", Integer.toString(e.getAttempt()));
      f.add("priority", Render.name(e.getPriority(), "PRIORITY_"));
      if (!e.getLabelsMap().isEmpty()) f.add("labels", labels(e.getLabelsMap()));
      if (!e.getIdempotencyKey().isEmpty()) f.add("idempotency key", e.getIdempotencyKey());
      if (!e.getConcurrencyKey().isEmpty()) f.add("concurrency key", e.getConcurrencyKey());
      f.add("timeout", Render.duration(e.getTimeout()));
      f.add("submitted", r.when(e.getSubmittedAt()));
      f.add("started", r.when(e.getStartedAt()));
      f.add("finished", r.when(e.getFinishedAt()));
      f.add("took", took(e));
      if (!e.getWorkerId().isEmpty()) f.add("worker", e.getWorkerId());
      if (Render.isSet(e.getNextAttemptAt())) f.add("next attempt", r.when(e.getNextAttemptAt()));
      if (e.hasError() && !e.getError().getType().isEmpty()) f.add("error", e.getError().getType() + ": " + e.getError().getMessage(), Render.RED);
      if (e.hasResult() && !e.getResult().getData().isEmpty()) f.add("result", payloadText(e.getResult()));
      f.print();
      if (e.getAttemptsCount() > 0) {
        r.line("");
        Render.Table t = r.table("ATTEMPT", "STATUS", "STARTED", "TOOK", "WORKER", "ERROR");
        t.style(1, Render::statusStyle);
        for (Attempt a : e.getAttemptsList()) {
          String took = Render.isSet(a.getStartedAt()) && Render.isSet(a.getFinishedAt())
              ? Times.compact(Duration.between(Render.instant(a.getStartedAt()), Render.instant(a.getFinishedAt()))) : "-";
          t.row(Integer.toString(a.getNumber()), Render.status(a.getStatus()), r.when(a.getStartedAt()), took,
              a.getWorkerId().isEmpty() ? "-" : a.getWorkerId(),
              a.hasError() && !a.getError().getType().isEmpty() ? a.getError().getType() + ": " + a.getError().getMessage() : "-");
        }
        t.print();
      }
      return TaskgridCli.OK;
    }
  }

  @Command(name = "watch", description = "Prints each change of an execution (and a process task's output) until it ends; exit 1 unless it SUCCEEDED.")
  static final class WatchExecution extends Base {
    @Parameters(paramLabel = "EXECUTION_ID")
    String id;

    @Override
    public Integer call() {
      return awaitOutcome(this, id, true);
    }
  }

  @Command(name = "cancel", description = "Cancels an execution: a waiting one never runs, a running one is interrupted.")
  static final class CancelExecution extends Base {
    @Parameters(paramLabel = "EXECUTION_ID")
    String id;

    @Override
    public Integer call() {
      Execution e = ctx().api().call().cancelExecution(CancelExecutionRequest.newBuilder().setExecutionId(id).build());
      if (table()) {
        Render r = render();
        String st = Render.status(e.getStatus());
        r.line(e.getExecutionId() + "  " + r.paint(st, Render.statusStyle(st))
            + (e.getStatus() == ExecutionStatus.EXECUTION_STATUS_RUNNING ? " (its handler is being interrupted; executions watch shows the end)" : ""));
      } else {
        render().message(e, format());
      }
      return TaskgridCli.OK;
    }
  }
}
