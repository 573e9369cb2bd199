package io.taskgrid.cli;

import io.taskgrid.proto.v1.ListWorkersRequest;
import io.taskgrid.proto.v1.ListWorkersResponse;
import io.taskgrid.proto.v1.WorkerInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code taskgrid workers}: ListWorkers. */
@Command(name = "workers", description = "The workers that reported in within the last 30 seconds.")
final class WorkersCommand extends Base {
  @Option(names = "--handler", description = "Only workers that run this handler.")
  String handler;

  @Override
  public Integer call() {
    ListWorkersRequest.Builder req = ListWorkersRequest.newBuilder();
    if (handler != null) req.setHandler(handler);
    ListWorkersResponse response = ctx().api().call().listWorkers(req.build());
    if (!table()) {
      render().message(response, format());
      return TaskgridCli.OK;
    }
    Render r = render();
    Render.Table t = r.table("WORKER", "HOST", "PID", "STATE", "RUNNING", "STARTED", "LAST SEEN", "VERSION", "HANDLERS");
    t.style(3, s -> s.equals("RUNNING") ? Render.GREEN : Render.statusStyle(s));
    for (WorkerInfo w : response.getWorkersList()) {
      t.row(w.getWorkerId(), w.getHost(), Long.toString(w.getPid()), Render.name(w.getState(), "WORKER_STATE_"),
          w.getRunning() + "/" + w.getConcurrency(), r.when(w.getStarted()), r.when(w.getLastSeen()), w.getVersion().isEmpty() ? "-" : w.getVersion(),
          String.join(",", w.getHandlersList()));
    }
    t.print();
    return TaskgridCli.OK;
  }
}
