package io.taskgrid.coordinator.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PathTemplateTest {

  @Test
  void matchesLiteralsAndVariablesAndDecodesTheValues() {
    PathTemplate t = PathTemplate.parse("/v1/executions/{execution_id}");
    assertThat(t.match("/v1/executions/abc-1")).contains(Map.of("execution_id", "abc-1"));
    assertThat(t.match("/v1/executions/a%20b%C3%A9")).contains(Map.of("execution_id", "a bé"));
    assertThat(t.match("/v1/executions")).isEmpty();
    assertThat(t.match("/v1/executions/")).isEmpty();
    assertThat(t.match("/v1/executions/a/b")).isEmpty();
    assertThat(t.match("/v1/tasks/a")).isEmpty();
  }

  @Test
  void aVerbEndsTheLastSegmentAndAnEncodedColonBelongsToTheValue() {
    PathTemplate pause = PathTemplate.parse("/v1/tasks/{task_id}:pause");
    assertThat(pause.verb()).isEqualTo("pause");
    assertThat(pause.match("/v1/tasks/nightly:pause")).contains(Map.of("task_id", "nightly"));
    assertThat(pause.match("/v1/tasks/a:b:pause")).contains(Map.of("task_id", "a:b"));
    assertThat(pause.match("/v1/tasks/nightly%3Apause:pause")).contains(Map.of("task_id", "nightly:pause"));
    assertThat(pause.match("/v1/tasks/nightly:resume")).isEmpty();
    assertThat(pause.match("/v1/tasks/:pause")).isEmpty();
    assertThat(PathTemplate.parse("/v1/tasks:submit").match("/v1/tasks:submit")).contains(Map.of());
    assertThat(PathTemplate.parse("/v1/tasks").match("/v1/tasks:submit")).isEmpty();
  }

  @Test
  void aVariableMayNameAFieldOfAField() {
    PathTemplate t = PathTemplate.parse("/v1/tasks/{task.id}");
    assertThat(t.variables()).containsExactly("task.id");
    assertThat(t.match("/v1/tasks/report")).contains(Map.of("task.id", "report"));
  }

  @Test
  void withoutAVerbAColonIsPartOfTheValue() {
    assertThat(PathTemplate.parse("/v1/events/{name}").match("/v1/events/user:signup")).contains(Map.of("name", "user:signup"));
  }

  @Test
  void aMoreSpecificTemplateRanksHigher() {
    assertThat(PathTemplate.parse("/v1/tasks/{task_id}:run").rank()).isGreaterThan(PathTemplate.parse("/v1/tasks/{task_id}").rank());
    assertThat(PathTemplate.parse("/v1/tasks/x").rank()).isGreaterThan(PathTemplate.parse("/v1/tasks/{task_id}").rank());
  }

  @Test
  void refusesDotSegmentsRawOrEncoded() {
    for (String path : new String[] {"/v1/../metrics", "/v1/tasks/..", "/v1/tasks/%2E%2E", "/v1/tasks/%2e", "/v1/tasks/a%2F..%2Fb", "/v1/./tasks"}) {
      assertThatThrownBy(() -> PathTemplate.checkPath(path)).as(path).isInstanceOf(ApiException.class)
          .hasMessageContaining("'.' and '..'");
    }
    PathTemplate.checkPath("/v1/tasks/a..b");
    PathTemplate.checkPath("/v1/tasks/.hidden");
  }

  @Test
  void refusesBadPercentEncoding() {
    for (String path : new String[] {"/v1/tasks/a%2", "/v1/tasks/a%zz", "/v1/tasks/%", "/v1/tasks/%C3%28", "/v1/tasks/%FF"}) {
      assertThatThrownBy(() -> PathTemplate.checkPath(path)).as(path).isInstanceOf(ApiException.class)
          .hasMessageContaining("bad percent-encoding")
          .satisfies(e -> assertThat(((ApiException) e).error().httpStatus()).isEqualTo(400));
    }
  }

  @Test
  void decodesAPlusAsASpaceOnlyInQueries() {
    assertThat(PathTemplate.decode("a+b%2B", true)).isEqualTo("a b+");
    assertThat(PathTemplate.decode("a+b", false)).isEqualTo("a+b");
  }

  @Test
  void refusesTemplatesItCannotServe() {
    assertThatThrownBy(() -> PathTemplate.parse("v1/tasks")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PathTemplate.parse("/v1/{name=**}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PathTemplate.parse("/v1/{Bad}")).isInstanceOf(IllegalArgumentException.class);
  }
}
