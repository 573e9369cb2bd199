package io.taskgrid.worker;

import io.taskgrid.core.Durations;
import java.time.Duration;

/**
 * The handlers dev mode and the stock worker process register, to try Taskgrid without writing
 * code: {@code echo} returns its payload, {@code sleep} waits for the duration in its payload
 * (e.g. {@code 2s}), {@code fail} throws with its payload as the message, and {@code log} prints
 * a line saying what triggered it (task, fire time or event) to standard output.
 */
public final class ExampleHandlers {
  private ExampleHandlers() {}

  /** Adds {@code echo}, {@code sleep}, {@code fail} and {@code log} to {@code builder}. */
  public static Worker.Builder register(Worker.Builder builder) {
    return builder
        .handler("echo", ctx -> new io.taskgrid.core.Payload(ctx.payload(), ctx.contentType()))
        .handler("sleep", ctx -> {
          String text = ctx.payloadText().isBlank() ? "1s" : ctx.payloadText().trim();
          Duration d;
          try {
            d = Durations.parse("payload", text);
          } catch (RuntimeException e) {
            throw new InvalidPayloadException(e.getMessage());
          }
          Thread.sleep(d.toMillis());
          return "slept " + Durations.format(d);
        })
        .handler("log", ctx -> {
          StringBuilder line = new StringBuilder("[log] ").append(ctx.payloadText());
          ctx.taskId().ifPresent(t -> line.append(" task=").append(t));
          ctx.scheduledAt().ifPresent(t -> line.append(" scheduled=").append(t));
          ctx.event().ifPresent(e -> line.append(" event=").append(e.name()).append(' ').append(e.dataText()));
          System.out.println(line);
          return line.substring(6);
        })
        .handler("fail", ctx -> {
          throw new IllegalStateException(ctx.payloadText().isBlank() ? "failed on purpose" : ctx.payloadText());
        });
  }
}
