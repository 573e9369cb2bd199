package io.taskgrid.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogFormatTest {
  @Test
  void jsonLinesCarryTheFormattedMessageAndTheMdcFields() {
    LoggerContext context = new LoggerContext();
    LoggingEvent event = new LoggingEvent("x", context.getLogger("io.taskgrid.worker.Worker"), Level.INFO,
        "Execution {} succeeded", null, new Object[] {"e-1"});
    event.setMDCPropertyMap(Map.of("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736", "execution_id", "e-1", "handler", "echo"));

    String line = new String(LogFormat.jsonEncoder(context).encode(event), StandardCharsets.UTF_8);

    assertThat(line).endsWith("\n").doesNotContain("\"message\"").doesNotContain("\"arguments\"");
    assertThat(line).contains("\"level\":\"INFO\"", "\"loggerName\":\"io.taskgrid.worker.Worker\"",
        "\"formattedMessage\":\"Execution e-1 succeeded\"", "\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\"",
        "\"execution_id\":\"e-1\"", "\"handler\":\"echo\"");
  }

  @Test
  void switchingToJsonGivesTheRootLoggersConsoleAppendersTheJsonEncoder() {
    LoggerContext context = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    var console = new ch.qos.logback.core.ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
    console.setContext(context);
    console.setName("test-console");
    var pattern = new ch.qos.logback.classic.encoder.PatternLayoutEncoder();
    pattern.setContext(context);
    pattern.setPattern("%msg%n");
    pattern.start();
    console.setEncoder(pattern);
    console.start();
    root.addAppender(console);
    try {
      LogFormat.JSON.apply();

      assertThat(console.getEncoder()).isInstanceOf(ch.qos.logback.classic.encoder.JsonEncoder.class);
      assertThat(console.isStarted()).isTrue();
    } finally {
      root.detachAppender(console);
      console.stop();
    }
  }

  @Test
  void formatIsTextUnlessJsonIsAskedFor() {
    assertThat(LogFormat.SETTING.read(Map.of())).isEqualTo(LogFormat.TEXT);
    assertThat(LogFormat.SETTING.read(Map.of("TASKGRID_LOG_FORMAT", "JSON"))).isEqualTo(LogFormat.JSON);
    assertThatThrownBy(() -> LogFormat.SETTING.read(Map.of("TASKGRID_LOG_FORMAT", "xml"))).hasMessageContaining("TASKGRID_LOG_FORMAT must be text or json, got 'xml'");
  }
}
