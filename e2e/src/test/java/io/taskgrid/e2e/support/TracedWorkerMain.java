package io.taskgrid.e2e.support;

import io.opentelemetry.api.trace.Span;
import io.taskgrid.telemetry.Telemetry;
import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerConfig;
import java.util.concurrent.CountDownLatch;

/**
 * A worker process configured by environment variables, as {@code WorkerMain}, whose handler
 * {@code traced} starts a span of its own under the attempt's span (as an application's handler
 * would), so a test can find the handler's span in the trace.
 */
public final class TracedWorkerMain {
  /** Name of the handler's own span. */
  public static final String HANDLER_SPAN = "traced-handler-work";

  private TracedWorkerMain() {}

  public static void main(String[] args) throws InterruptedException {
    Telemetry telemetry = Telemetry.fromEnvironment("taskgrid-worker");
    Worker worker = Worker.builder(WorkerConfig.fromEnvironment(System.getenv()))
        .openTelemetry(telemetry.openTelemetry())
        .handler("traced", ctx -> {
          Span span = ctx.tracer().spanBuilder(HANDLER_SPAN).startSpan(); // parent: the current span, the attempt's
          try {
            span.setAttribute("payload", ctx.payloadText());
            ctx.taskId().ifPresent(t -> span.setAttribute("task", t));
            return ctx.payloadText();
          } finally {
            span.end();
          }
        })
        .build()
        .start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      worker.close();
      telemetry.close();
      stopped.countDown();
    }, "tg-worker-shutdown"));
    System.out.println("TASKGRID_WORKER_READY id=" + worker.id());
    stopped.await();
  }
}
