package io.taskgrid.cli;

import io.taskgrid.proto.v1.CircuitBreaker;
import io.taskgrid.proto.v1.ListCircuitBreakersRequest;
import io.taskgrid.proto.v1.ListCircuitBreakersResponse;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code taskgrid breakers}: ListCircuitBreakers. */
@Command(name = "breakers", description = "The cluster's circuit breakers, one per handler (and breaker key) used.")
final class BreakersCommand extends Base {
  @Option(names = "--handler", description = "Only this handler's breakers.")
  String handler;

  @Override
  public Integer call() {
    ListCircuitBreakersRequest.Builder req = ListCircuitBreakersRequest.newBuilder();
    if (handler != null) req.setHandler(handler);
    ListCircuitBreakersResponse response = ctx().api().call().listCircuitBreakers(req.build());
    if (!table()) {
      render().message(response, format());
      return TaskgridCli.OK;
    }
    Render r = render();
    Render.Table t = r.table("HANDLER", "KEY", "STATE", "SINCE", "FAILURES", "SLOW", "OPENED", "REJECTED", "WORKER");
    t.style(2, Render::statusStyle);
    for (CircuitBreaker b : response.getCircuitBreakersList()) {
      t.row(b.getHandler(), b.getKey().isEmpty() ? "-" : b.getKey(), Render.name(b.getState(), "CIRCUIT_BREAKER_STATE_"), r.when(b.getSince()),
          rate(b.getFailureRate()), rate(b.getSlowCallRate()), Long.toString(b.getTimesOpened()), Long.toString(b.getNotPermittedCalls()),
          b.getWorkerId().isEmpty() ? "-" : b.getWorkerId());
    }
    t.print();
    return TaskgridCli.OK;
  }

  private static String rate(float percent) {
    return percent < 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", percent);
  }
}
