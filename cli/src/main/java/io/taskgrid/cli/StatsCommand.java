package io.taskgrid.cli;

import io.taskgrid.proto.v1.GetStatsRequest;
import io.taskgrid.proto.v1.GetStatsResponse;
import io.taskgrid.proto.v1.StatsGroup;
import io.taskgrid.proto.v1.WindowStats;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code taskgrid stats}: GetStats. */
@Command(name = "stats", description = {
    "Execution statistics: in total, per handler and per task.",
    "Counts by outcome, success rate and run-time percentiles over the last hour or day,",
    "running and waiting executions, and fires due in the next hour."})
final class StatsCommand extends Base {
  @Option(names = "--task", paramLabel = "TASK_ID", description = "Only this registered task.")
  String task;

  @Option(names = "--handler", description = "Only this handler.")
  String handler;

  @Option(names = "--window", defaultValue = "day", description = "hour or day: the window of the counts and percentiles (default ${DEFAULT-VALUE}).")
  String window;

  @Override
  public Integer call() {
    boolean hour = switch (window.toLowerCase(Locale.ROOT)) {
      case "hour", "1h" -> true;
      case "day", "24h", "1d" -> false;
      default -> throw new TaskgridCli.UsageException("--window: must be hour or day, got \"" + window + "\"");
    };
    GetStatsRequest.Builder req = GetStatsRequest.newBuilder();
    if (task != null) req.setTaskId(task);
    if (handler != null) req.setHandler(handler);
    GetStatsResponse response = ctx().api().call().getStats(req.build());
    if (!table()) {
      render().message(response, format());
      return TaskgridCli.OK;
    }
    Render r = render();
    // the coordinator's own time of reading, not "now" relative to this machine's clock
    r.line("last " + (hour ? "hour" : "24 hours") + ", as of "
        + Render.instant(response.getAsOf()).atZone(ZoneId.systemDefault()).truncatedTo(ChronoUnit.SECONDS).toOffsetDateTime());
    Render.Table t = r.table("GROUP", "SUCCEEDED", "FAILED", "TIMEOUT", "SKIPPED", "CANCELLED", "SUCCESS", "P50", "P95", "P99",
        "RUNNING", "PENDING", "WAITING", "NEXT HOUR");
    row(t, "total", response.getTotal(), hour);
    for (StatsGroup g : response.getHandlersList()) row(t, "handler " + g.getHandler(), g, hour);
    for (StatsGroup g : response.getTasksList()) row(t, "task " + g.getTaskId(), g, hour);
    t.print();
    return TaskgridCli.OK;
  }

  /** "-" when nothing ended in the window (the server's rate is then 1: no failures, but no successes either). */
  static String successRate(WindowStats w) {
    if (w.getSucceeded() + w.getFailed() + w.getTimedOut() == 0) return "-";
    return String.format(Locale.ROOT, "%.1f%%", w.getSuccessRate() * 100);
  }

  private static void row(Render.Table t, String name, StatsGroup g, boolean hour) {
    WindowStats w = hour ? g.getLastHour() : g.getLastDay();
    t.row(name, Long.toString(w.getSucceeded()), Long.toString(w.getFailed()), Long.toString(w.getTimedOut()), Long.toString(w.getSkipped()),
        Long.toString(w.getCancelled()), successRate(w),
        Render.duration(w.getDurationP50()), Render.duration(w.getDurationP95()), Render.duration(w.getDurationP99()),
        Long.toString(g.getRunning()), Long.toString(g.getPending()),
        Long.toString(g.getWaitingRetry() + g.getWaitingQueue() + g.getWaitingRateLimit()), Long.toString(g.getScheduledNextHour()));
  }
}
