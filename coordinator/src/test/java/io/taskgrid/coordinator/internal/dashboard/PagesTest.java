package io.taskgrid.coordinator.internal.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.taskgrid.proto.v1.Attempt;
import io.taskgrid.proto.v1.ErrorInfo;
import io.taskgrid.proto.v1.Execution;
import io.taskgrid.proto.v1.ExecutionStatus;
import io.taskgrid.proto.v1.ListExecutionsResponse;
import io.taskgrid.proto.v1.ListTasksResponse;
import io.taskgrid.proto.v1.ListWorkersResponse;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.Task;
import io.taskgrid.proto.v1.TaskDefinition;
import io.taskgrid.proto.v1.TaskState;
import io.taskgrid.proto.v1.Trigger;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PagesTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final String EVIL = "<script>alert('x')</script>&\"";
  private final Pages pages = new Pages(NOW);

  private static Timestamp at(String instant) {
    Instant i = Instant.parse(instant);
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  @Test
  void escapesEveryCharacterThatCouldEndTextOrAnAttribute() {
    assertThat(Html.escape("<a href=\"x\" title='y'>&amp;</a>"))
        .isEqualTo("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
    assertThat(Html.escape("plain text, été ✓")).isEqualTo("plain text, été ✓");
  }

  @Test
  void templatesEscapeTheirArgumentsButNotThemselvesNorMarkupBuiltTheSameWay() {
    Html inner = new Html().fmt("<b>{}</b>", "<i>");
    assertThat(new Html().fmt("<td title=\"{}\">{} {}</td>", "\"onclick=x", inner, 3).toString())
        .isEqualTo("<td title=\"&quot;onclick=x\"><b>&lt;i&gt;</b> 3</td>");
    assertThatThrownBy(() -> new Html().fmt("{} {}", "one")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Html().fmt("{}", "one", "two")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anExecutionPageShowsItsAttemptsResultAndLabelsWithDataEscaped() {
    Execution e = Execution.newBuilder()
        .setExecutionId("0d3c1b2a-1111-2222-3333-444455556666")
        .setHandler("email.send")
        .setTaskId("nightly/" + EVIL)
        .setStatus(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED)
        .setAttempt(2)
        .putLabels("team", EVIL)
        .setSubmittedAt(at("2026-12-01T11:59:00Z"))
        .setFinishedAt(at("2026-12-01T11:59:30Z"))
        .setResult(Payload.newBuilder().setContentType("text/plain").setData(ByteString.copyFromUtf8("done " + EVIL)))
        .addAttempts(Attempt.newBuilder().setNumber(1).setStatus(ExecutionStatus.EXECUTION_STATUS_FAILED).setWorkerId("w-1")
            .setStartedAt(at("2026-12-01T11:59:01Z")).setFinishedAt(at("2026-12-01T11:59:02Z"))
            .setError(ErrorInfo.newBuilder().setType("java.io.IOException").setMessage("smtp " + EVIL)))
        .addAttempts(Attempt.newBuilder().setNumber(2).setStatus(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED).setWorkerId("w-2")
            .setStartedAt(at("2026-12-01T11:59:10Z")).setFinishedAt(at("2026-12-01T11:59:30Z")))
        .build();

    Pages.Page page = pages.execution(e);

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.html())
        .doesNotContain("<script>alert")
        .contains("<script src=\"/ui/static/dashboard.js\" defer></script>")
        .contains("done &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;")
        .contains("team=&lt;script&gt;")
        .contains("href=\"/ui/tasks/nightly%2F%3Cscript%3Ealert%28%27x%27%29%3C%2Fscript%3E%26%22\"")
        .contains("java.io.IOException: smtp &lt;script&gt;")
        .contains("<td>w-1</td>", "<td>w-2</td>")
        .contains("2026-12-01 11:59:30Z (30s ago)")
        // a terminal execution has nothing to cancel
        .doesNotContain("/cancel");
  }

  @Test
  void aRunningExecutionHasACancelButton() {
    Execution e = Execution.newBuilder().setExecutionId("e-1").setHandler("h").setStatus(ExecutionStatus.EXECUTION_STATUS_RUNNING).build();
    assertThat(pages.execution(e).html()).contains("action=\"/ui/executions/e-1/cancel\"").contains("No attempt has started yet.");
  }

  @Test
  void theTasksPageListsStateFiresAndTheButtonThatFitsTheState() {
    ListTasksResponse tasks = ListTasksResponse.newBuilder()
        .addTasks(Task.newBuilder().setState(TaskState.TASK_STATE_ACTIVE).setNextFireTime(at("2026-12-01T12:05:00Z"))
            .setDefinition(TaskDefinition.newBuilder().setId("report").setHandler("reports.build")
                .setTrigger(Trigger.newBuilder().setCron("0 * * * *"))))
        .addTasks(Task.newBuilder().setState(TaskState.TASK_STATE_PAUSED)
            .setDefinition(TaskDefinition.newBuilder().setId("cleanup").setHandler("db.vacuum")))
        .build();

    String html = pages.tasks(new Reply.Ok<>(tasks), false).html();

    assertThat(html)
        .contains("<tr data-task-id=\"report\">", "cron 0 * * * *", "2026-12-01 12:05:00Z (in 5m)", "action=\"/ui/tasks/report/pause\"")
        .contains("<tr data-task-id=\"cleanup\">", "on demand", "action=\"/ui/tasks/cleanup/resume\"")
        .doesNotContain("action=\"/ui/tasks/report/resume\"");
  }

  @Test
  void aCallTheCoordinatorDoesNotServeShowsNotAvailableInsteadOfFailingThePage() {
    Pages.Page page = pages.workers(new Reply.Failed<ListWorkersResponse>(Status.Code.UNIMPLEMENTED, "Method not found"));
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.html()).contains("The worker list is not available on this coordinator.");
  }

  @Test
  void aBadFilterShowsTheApisMessageBesideTheFiltersAsTyped() {
    Pages.ExecutionFilter filter = new Pages.ExecutionFilter("", "bad handler!", "", "", "");
    Pages.Page page = pages.executions(filter,
        new Reply.Failed<ListExecutionsResponse>(Status.Code.INVALID_ARGUMENT, "handler: must start with a letter, got \"bad handler!\""));
    assertThat(page.status()).isEqualTo(400);
    assertThat(page.html())
        .contains("INVALID_ARGUMENT: handler: must start with a letter, got &quot;bad handler!&quot;")
        .contains("name=\"handler\" value=\"bad handler!\"");
  }

  @Test
  void theNextPageLinkKeepsTheFilters() {
    Pages.ExecutionFilter filter = new Pages.ExecutionFilter("t&1", "", "FAILED", "env=prod", "");
    String html = pages.executions(filter, new Reply.Ok<>(ListExecutionsResponse.newBuilder().setNextPageToken("tok+/=").build())).html();
    assertThat(html).contains("href=\"/ui/executions?task=t%261&amp;status=FAILED&amp;label=env%3Dprod&amp;page=tok%2B%2F%3D\"");
  }

  @Test
  void formsComeBackOnlyToDashboardPages() {
    assertThat(Dashboard.back("/ui/tasks/a%2Fb")).isEqualTo("/ui/tasks/a%2Fb");
    assertThat(Dashboard.back("https://evil.example/")).isEqualTo("/ui/");
    assertThat(Dashboard.back("/ui//evil.example")).isEqualTo("/ui/");
    assertThat(Dashboard.back(null)).isEqualTo("/ui/");
  }
}
