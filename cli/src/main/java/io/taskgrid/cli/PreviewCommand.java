package io.taskgrid.cli;

import com.google.protobuf.Timestamp;
import io.taskgrid.proto.v1.PreviewScheduleRequest;
import io.taskgrid.proto.v1.PreviewScheduleResponse;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code taskgrid preview <expr>}: check a cron expression before registering it. */
@Command(name = "preview", description = "Shows the next fire times of a cron expression or preset, as the coordinator reads it.")
final class PreviewCommand extends Base {
  @Parameters(paramLabel = "EXPRESSION", description = "e.g. \"0 2 * * *\", \"*/30 * * * * *\", @daily, \"@every 90s\" (quote it).")
  String expression;

  @Option(names = "--zone", paramLabel = "ZONE", description = "IANA time zone to read it in (default: the cluster's).")
  String zone;

  @Option(names = "--count", defaultValue = "10", description = "How many fire times, 1 to 1000 (default ${DEFAULT-VALUE}).")
  int count;

  @Override
  public Integer call() {
    PreviewScheduleRequest.Builder req = PreviewScheduleRequest.newBuilder().setExpression(expression).setCount(count);
    if (zone != null) req.setTimeZone(zone);
    PreviewScheduleResponse response = ctx().api().call().previewSchedule(req.build());
    if (!table()) {
      render().message(response, format());
      return TaskgridCli.OK;
    }
    ZoneId shownIn = ZoneId.of("UTC");
    if (zone != null) {
      try {
        shownIn = ZoneId.of(zone);
      } catch (DateTimeException e) {
        // the coordinator accepted it, so it knows the zone better than this JVM: show UTC
      }
    }
    Render r = render();
    Render.Table t = r.table("FIRE TIME (" + shownIn.getId() + ")", "UTC", "WHEN");
    for (Timestamp ts : response.getFireTimesList()) {
      var at = Render.instant(ts);
      t.row(at.atZone(shownIn).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss EEE")), at.toString(), r.when(ts));
    }
    t.print();
    return TaskgridCli.OK;
  }
}
