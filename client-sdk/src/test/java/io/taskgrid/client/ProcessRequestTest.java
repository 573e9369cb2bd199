package io.taskgrid.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProcessRequestTest {
  @Test
  void buildsAJsonPayloadForTheProcessHandler() throws Exception {
    TaskRequest request = ProcessRequest.builder("tar")
        .args("-czf", "out/backup.tgz", "data").pathArgs(1, 2)
        .workingDir("jobs/42").env("TZ", "UTC").stdin("hi".getBytes(StandardCharsets.UTF_8))
        .timeout(Duration.ofSeconds(90))
        .build();
    assertThat(request.handler()).isEqualTo("process");
    JsonNode json = new ObjectMapper().readTree(request.payload());
    assertThat(json.toString()).isEqualTo("{\"program\":\"tar\",\"args\":[\"-czf\",\"out/backup.tgz\",\"data\"],\"pathArgs\":[1,2],"
        + "\"workingDir\":\"jobs/42\",\"env\":{\"TZ\":\"UTC\"},\"stdin\":\"aGk=\",\"timeout\":\"90000ms\"}");
    assertThat(ProcessRequest.builder("date").payload().contentType()).isEqualTo("application/json");
    assertThat(ProcessRequest.builder("date").payload().asText()).isEqualTo("{\"program\":\"date\",\"args\":[]}");
  }

  @Test
  void refusesValuesTheWorkerWouldRefuse() {
    assertThatThrownBy(() -> ProcessRequest.builder("")).hasMessage("program must not be empty");
    assertThatThrownBy(() -> ProcessRequest.builder("env").env("A=B", "x")).hasMessage("env name must be letters, digits and _, got 'A=B'");
    assertThatThrownBy(() -> ProcessRequest.builder("cat").args("a").pathArgs(1).build())
        .hasMessage("pathArgs must be indexes into args (0 to 0), got 1");
    assertThatThrownBy(() -> ProcessRequest.builder("sleep").timeout(Duration.ZERO)).hasMessageStartingWith("timeout must be at least 1ms");
  }
}
