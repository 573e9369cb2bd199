package io.taskgrid.worker.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskgrid.core.Payload;
import io.taskgrid.worker.InvalidPayloadException;
import io.taskgrid.worker.ProcessConfig;
import io.taskgrid.worker.ProcessFailedException;
import io.taskgrid.worker.TaskContext;
import io.taskgrid.worker.TaskEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process handler against real programs ({@code sh} is on the allow-list of these tests only). */
class ProcessHandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path root;

  private ProcessHandler handler(ProcessConfig config) {
    return new ProcessHandler(config.withRoots(List.of(root)).withKillGrace(Duration.ofMillis(300)),
        Map.of("PATH", "/usr/bin:/bin", "SECRET_TOKEN", "hunter2"));
  }

  private static JsonNode run(ProcessHandler handler, Ctx ctx) throws Exception {
    Payload result = (Payload) handler.handle(ctx);
    assertThat(result.contentType()).isEqualTo(Payload.JSON);
    return JSON.readTree(result.unsafeData());
  }

  @Test
  void returnsTheOutputAndExitCodeOfAProgramThatSucceeds() throws Exception {
    JsonNode result = run(handler(ProcessConfig.allowing("echo")), new Ctx("{'program':'echo','args':['hello', 'it''s; $(rm -rf /)']}"));
    assertThat(result.get("exitCode").asInt()).isZero();
    assertThat(result.get("stdout").asText()).isEqualTo("hello it's; $(rm -rf /)\n");
    assertThat(result.get("stdoutTruncated").asBoolean()).isFalse();
    assertThat(result.has("durationMs")).isTrue();
  }

  @Test
  void writesStdinToTheProgram() throws Exception {
    String stdin = Base64.getEncoder().encodeToString("line 1\nline 2\n".getBytes(StandardCharsets.UTF_8));
    JsonNode result = run(handler(ProcessConfig.allowing("cat")), new Ctx("{'program':'cat','stdin':'" + stdin + "'}"));
    assertThat(result.get("stdout").asText()).isEqualTo("line 1\nline 2\n");
  }

  @Test
  void failsWithTheExitCodeAndTheTailOfStderr() {
    assertThatThrownBy(() -> handler(ProcessConfig.allowing("sh")).handle(new Ctx("{'program':'sh','args':['-c','echo first >&2; echo last words >&2; exit 3']}")))
        .isInstanceOf(ProcessFailedException.class)
        .hasMessageContaining("exited with code 3; stderr: first\nlast words")
        .satisfies(e -> assertThat(((ProcessFailedException) e).exitCode()).isEqualTo(3));
  }

  @Test
  void refusesAProgramNotOnTheAllowListAsAnInvalidPayload() {
    assertThatThrownBy(() -> handler(ProcessConfig.allowing("echo")).handle(new Ctx("{'program':'sh','args':['-c','id']}")))
        .isInstanceOf(InvalidPayloadException.class)
        .hasMessageStartingWith("payload.program: 'sh' is not on the worker's allow-list");
  }

  @Test
  void killsSleepWhenItsTimeoutPasses() {
    long started = System.nanoTime();
    assertThatThrownBy(() -> handler(ProcessConfig.allowing("sleep")).handle(new Ctx("{'program':'sleep','args':['30'],'timeout':'200ms'}")))
        .isInstanceOf(ProcessFailedException.class)
        .hasMessageContaining("ran past its timeout of 200ms and was killed");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void killsTheWholeTreeOnTimeoutEvenChildrenThatIgnoreSigterm() {
    Ctx ctx = new Ctx("{'program':'sh','args':['-c',\"trap \\u0027\\u0027 TERM; echo $$; sleep 60 & echo $!; (sleep 60 & echo $!; wait) & wait\"],'timeout':'1s'}");
    assertThatThrownBy(() -> handler(ProcessConfig.allowing("sh")).handle(ctx)).isInstanceOf(ProcessFailedException.class);
    List<Long> pids = ctx.lines.stream().map(l -> Long.parseLong(l.substring(l.indexOf(':') + 1))).toList();
    assertThat(pids).hasSize(3);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty()));
  }

  @Test
  void killsTheWholeTreeWhenTheHandlerIsInterruptedByACancel() throws Exception {
    Ctx ctx = new Ctx("{'program':'sh','args':['-c',\"trap \\u0027\\u0027 TERM; sleep 60 & echo $!; echo $$; wait\"]}");
    ProcessHandler handler = handler(ProcessConfig.allowing("sh"));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread thread = Thread.ofVirtual().start(() -> {
      try {
        handler.handle(ctx);
      } catch (Throwable e) {
        thrown.set(e);
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> ctx.lines.size() == 2);
    thread.interrupt();
    thread.join(Duration.ofSeconds(10));
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    List<Long> pids = ctx.lines.stream().map(l -> Long.parseLong(l.substring(l.indexOf(':') + 1))).toList();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty()));
  }

  @Test
  void capsA100MegabyteOutputAndSaysItWasTruncated() throws Exception {
    JsonNode result = run(handler(ProcessConfig.allowing("sh").withMaxOutputBytes(65536)),
        new Ctx("{'program':'sh','args':['-c','yes | head -c 104857600']}"));
    assertThat(result.get("stdoutTruncated").asBoolean()).isTrue();
    assertThat(result.get("stdoutBytes").asLong()).isEqualTo(104857600L);
    assertThat(result.get("stdout").asText()).hasSize(65536).startsWith("y\ny\n");
    assertThat(result.get("stderrTruncated").asBoolean()).isFalse();
  }

  @Test
  void doesNotLeakTheWorkersSecretsIntoTheProgramsEnvironment() throws Exception {
    JsonNode result = run(handler(ProcessConfig.allowing("env")), new Ctx("{'program':'env','env':{'GREETING':'hi'}}"));
    String env = result.get("stdout").asText();
    assertThat(env).contains("GREETING=hi", "PATH=/usr/bin:/bin").doesNotContain("hunter2", "SECRET_TOKEN");
    // nor anything of the JVM's own environment that is not allow-listed
    assertThat(env.lines().map(l -> l.substring(0, l.indexOf('='))).toList()).containsExactlyInAnyOrder("GREETING", "PATH");
  }

  @Test
  void passesLinesToWatchersAsTheyAreWritten() throws Exception {
    Ctx ctx = new Ctx("{'program':'sh','args':['-c','echo one; echo two >&2; echo three']}");
    run(handler(ProcessConfig.allowing("sh")), ctx);
    assertThat(ctx.lines).containsSubsequence("STDOUT:one", "STDOUT:three").contains("STDERR:two");
  }

  /** A task context with a JSON payload, collecting live output lines as {@code STREAM:line}. */
  private static final class Ctx implements TaskContext, LiveOutput {
    final List<String> lines = new CopyOnWriteArrayList<>();
    private final byte[] payload;

    Ctx(String json) {
      this.payload = json.replace('\'', '"').replace("\"\"", "'").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public OutputListener outputListener() {
      return (stream, line) -> lines.add(stream + ":" + line);
    }

    @Override public String executionId() { return "e-1"; }
    @Override public String handler() { return ProcessHandler.NAME; }
    @Override public int attempt() { return 1; }
    @Override public Instant deadline() { return Instant.now().plusSeconds(60); }
    @Override public Optional<String> taskId() { return Optional.empty(); }
    @Override public Optional<Instant> scheduledAt() { return Optional.empty(); }
    @Override public Optional<TaskEvent> event() { return Optional.empty(); }
    @Override public Map<String, String> labels() { return Map.of(); }
    @Override public String contentType() { return Payload.JSON; }
    @Override public byte[] payload() { return payload.clone(); }
    @Override public String payloadText() { return new String(payload, StandardCharsets.UTF_8); }

    @Override
    public JsonNode payloadJson() throws InvalidPayloadException {
      try {
        return JSON.readTree(payload);
      } catch (java.io.IOException e) {
        throw new InvalidPayloadException(e.getMessage());
      }
    }

    @Override
    public <T> T payloadAs(Class<T> type) {
      throw new UnsupportedOperationException();
    }

    @Override public boolean isCancelled() { return false; }
  }
}
