package io.taskgrid.cli;

import io.taskgrid.proto.v1.LifecycleEvent;
import io.taskgrid.proto.v1.LifecycleEventKind;
import io.taskgrid.proto.v1.WatchLifecycleRequest;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code taskgrid watch}: the lifecycle stream, one line per event. */
@Command(name = "watch", description = {
    "Prints the cluster's lifecycle events as they happen, until Ctrl-C.",
    "Tasks registered, updated, paused, resumed, deleted; executions queued, started,",
    "retried, succeeded, failed, skipped, cancelled. One line each (-o json: one JSON object each)."})
final class WatchCommand extends Base {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  @Option(names = "--kind", split = ",", paramLabel = "KIND",
      description = "Only these kinds (comma-separated or repeated), e.g. execution_failed,task_paused.")
  List<String> kinds = new ArrayList<>();

  @Option(names = "--task", paramLabel = "TASK_ID", description = "Only events of this registered task.")
  String task;

  @Option(names = "--handler", description = "Only events of this handler.")
  String handler;

  @Option(names = "--execution", paramLabel = "EXECUTION_ID", description = "Only events of this execution.")
  String execution;

  @Option(names = "--max-events", paramLabel = "N", description = "Stop after N events (default: never).")
  Integer maxEvents;

  @Override
  public Integer call() {
    if (maxEvents != null && maxEvents < 1) throw new TaskgridCli.UsageException("--max-events: must be at least 1, got " + maxEvents);
    WatchLifecycleRequest.Builder req = WatchLifecycleRequest.newBuilder();
    for (String k : kinds) req.addKinds(Inputs.protoEnum("--kind", LifecycleEventKind.class, "", k));
    if (task != null) req.setTaskId(task);
    if (handler != null) req.setHandler(handler);
    if (execution != null) req.setExecutionId(execution);
    Iterator<LifecycleEvent> events = ctx().api().stream().watchLifecycle(req.build());
    int seen = 0;
    Render r = render();
    while (events.hasNext()) {
      LifecycleEvent e = events.next();
      if (table()) {
        r.line(line(r, e));
        ctx().out().flush();
      } else {
        r.streamed(e, format());
      }
      if (maxEvents != null && ++seen >= maxEvents) break;
    }
    return TaskgridCli.OK;
  }

  static String line(Render r, LifecycleEvent e) {
    // a kind or status added after this CLI was built is UNRECOGNIZED here: show its number, and never ask an
    // unrecognized constant for its number (that throws)
    String kind = e.getKind() == LifecycleEventKind.UNRECOGNIZED ? "KIND_" + e.getKindValue() : e.getKind().name();
    String style = kind.endsWith("FAILED") ? Render.RED : kind.endsWith("SUCCEEDED") ? Render.GREEN
        : kind.endsWith("SKIPPED") || kind.endsWith("CANCELLED") || kind.endsWith("RETRIED") ? Render.YELLOW : null;
    StringBuilder b = new StringBuilder();
    b.append(Render.instant(e.getTime()).atZone(ZoneId.systemDefault()).format(TIME)).append("  ");
    b.append(r.paint(kind, style));
    if (!e.getTaskId().isEmpty()) b.append("  task=").append(e.getTaskId());
    if (!e.getExecutionId().isEmpty()) b.append("  execution=").append(e.getExecutionId());
    if (!e.getHandler().isEmpty()) b.append("  handler=").append(e.getHandler());
    if (e.getAttempt() > 0) b.append("  attempt=").append(e.getAttempt());
    if (e.getStatusValue() != 0) {
      b.append("  status=").append(e.getStatus() == io.taskgrid.proto.v1.ExecutionStatus.UNRECOGNIZED ? Integer.toString(e.getStatusValue()) : Render.status(e.getStatus()));
    }
    if (!e.getWorkerId().isEmpty()) b.append("  worker=").append(e.getWorkerId());
    if (!e.getReason().isEmpty()) b.append("  reason=").append(e.getReason());
    return b.toString();
  }
}
