package io.taskgrid.cli;

import io.taskgrid.proto.v1.Priority;
import io.taskgrid.proto.v1.SubmitTaskRequest;
import io.taskgrid.proto.v1.SubmitTaskResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code taskgrid submit <handler>}: one task for execution. */
@Command(name = "submit", description = {
    "Submits one task to a handler and prints its execution id.",
    "With --wait, waits for the outcome, prints it and exits 1 unless it SUCCEEDED."})
final class SubmitCommand extends Base {
  @Parameters(paramLabel = "HANDLER", description = "The handler to run, as registered on workers.")
  String handler;

  @ArgGroup(exclusive = true)
  PayloadOptions payload;

  @Option(names = "--wait", description = "Wait for the execution's outcome (Ctrl-C stops waiting, not the execution).")
  boolean await;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "Time limit of one attempt, e.g. 30s, 5m (default: the coordinator's).")
  String timeout;

  @Option(names = "--priority", paramLabel = "PRIORITY", description = "critical, high, medium (the default), low or background.")
  String priority;

  @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label kept with the execution; repeatable.")
  List<String> labels = new ArrayList<>();

  @Option(names = "--idempotency-key", paramLabel = "KEY", description = "A repeated submission with this key returns the first execution.")
  String idempotencyKey;

  @Override
  public Integer call() {
    SubmitTaskRequest.Builder req = SubmitTaskRequest.newBuilder().setHandler(handler);
    if (payload != null) req.setPayload(payload.payload(ctx()));
    if (timeout != null) {
      Duration d = Inputs.duration("--timeout", timeout);
      req.setTimeout(Inputs.protoDuration(d));
    }
    if (priority != null) req.setPriority(Inputs.protoEnum("--priority", Priority.class, "PRIORITY_", priority));
    req.putAllLabels(Inputs.labels("--label", labels));
    if (idempotencyKey != null) req.setIdempotencyKey(idempotencyKey);
    SubmitTaskResponse response = ctx().api().call().submitTask(req.build());
    if (response.getDuplicate()) ctx().err().println("taskgrid: idempotency key already used: this is the first submission's execution");
    if (!await) {
      if (table()) {
        render().line(response.getExecutionId());
      } else {
        render().message(response, format());
      }
      return TaskgridCli.OK;
    }
    return ExecutionsCommand.awaitOutcome(this, response.getExecutionId(), false);
  }
}
