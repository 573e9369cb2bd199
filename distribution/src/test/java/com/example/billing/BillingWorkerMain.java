package com.example.billing;

import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerConfig;
import java.util.concurrent.CountDownLatch;

/**
 * The main class of a worker with your own handlers, as the README's "Deployment" section shows it
 * (compiled here so the example keeps up with the Worker API): configured by the same TASKGRID_*
 * variables as the stock worker, stopped by SIGTERM after draining its running handlers.
 */
public final class BillingWorkerMain {
  private BillingWorkerMain() {}

  record Invoice(String customer, long cents) {}

  public static void main(String[] args) throws InterruptedException {
    WorkerConfig config;
    try {
      config = WorkerConfig.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("billing worker: bad configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    Worker worker = Worker.builder(config)
        .handler("billing.ping", ctx -> "pong")
        .handler("billing.invoice", Invoice.class, (ctx, invoice) -> "invoiced " + invoice.customer() + " " + invoice.cents())
        .build()
        .start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      worker.close();   // stops intake, drains running handlers, reports, commits, leaves the group
      stopped.countDown();
    }, "billing-worker-shutdown"));
    stopped.await();
  }
}
