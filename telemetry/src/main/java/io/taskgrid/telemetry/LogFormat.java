package io.taskgrid.telemetry;

import io.taskgrid.core.config.Setting;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * The format of the console log: {@code text} for people, {@code json} (one object per line,
 * logback's {@code JsonEncoder}, with the MDC: {@code trace_id}, {@code span_id}, {@code
 * execution_id}, {@code task_id}, {@code handler}) for log shippers. Applied by the processes'
 * main classes at start, over whatever logback configuration is in place: every console appender
 * of the root logger gets the JSON encoder.
 */
public enum LogFormat {
  TEXT,
  JSON;

  public static final Setting<LogFormat> SETTING = new Setting<>("TASKGRID_LOG_FORMAT", "text",
      "Console log format: `text`, or `json` (one JSON object per line with the MDC, for log shippers).", LogFormat::parse);

  public static LogFormat parse(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "", "text" -> TEXT;
      case "json" -> JSON;
      default -> throw new IllegalArgumentException("must be text or json");
    };
  }

  /** Switches the console to this format; text leaves the configuration as it is. */
  public void apply() {
    if (this == TEXT) return;
    if (!(LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context)) {
      LoggerFactory.getLogger(LogFormat.class).warn("TASKGRID_LOG_FORMAT=json needs logback; logging stays as configured");
      return;
    }
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (var it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof ch.qos.logback.core.ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent> console) {
        console.stop();
        console.setEncoder(jsonEncoder(context));
        console.start();
      }
    }
  }

  /** Logback's JSON encoder with the formatted message, the MDC and the stack trace; no raw pattern or arguments. */
  static ch.qos.logback.classic.encoder.JsonEncoder jsonEncoder(ch.qos.logback.classic.LoggerContext context) {
    var encoder = new ch.qos.logback.classic.encoder.JsonEncoder();
    encoder.setContext(context);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.setWithContext(false);
    encoder.setWithMessage(false);
    encoder.setWithArguments(false);
    encoder.setWithFormattedMessage(true);
    encoder.setWithMDC(true);
    encoder.start();
    return encoder;
  }
}
