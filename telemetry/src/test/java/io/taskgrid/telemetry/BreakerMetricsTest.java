package io.taskgrid.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.core.breaker.BreakerId;
import io.taskgrid.core.breaker.BreakerState;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BreakerMetricsTest {
  @Test
  void exportsOneSeriesPerBreakerAndStateWithOneForTheCurrentStateAsTheDashboardQueriesThem() throws Exception {
    try (Metrics metrics = Metrics.forProcess("taskgrid-test", true, Map.of())) {
      WorkerMeters meters = new WorkerMeters(metrics.meter());
      BreakerId charge = new BreakerId("payments.charge", "tenant-a");
      meters.observeBreakers(() -> Map.of(charge, BreakerState.OPEN));
      meters.notPermitted(charge);
      meters.notPermitted(charge);

      ByteArrayOutputStream scrape = new ByteArrayOutputStream();
      metrics.writePrometheus(scrape);

      String labels = "taskgrid_circuit_breaker_key=\"tenant-a\",taskgrid_handler=\"payments.charge\"";
      assertThat(scrape.toString()).contains(
          WorkerMeters.BREAKER_STATE.prometheusName() + "{state=\"open\"," + labels + "} 1",
          WorkerMeters.BREAKER_STATE.prometheusName() + "{state=\"closed\"," + labels + "} 0",
          WorkerMeters.BREAKER_STATE.prometheusName() + "{state=\"half_open\"," + labels + "} 0",
          WorkerMeters.BREAKER_NOT_PERMITTED.prometheusName() + "{" + labels + "} 2");
      meters.close();
    }
  }
}
