package io.taskgrid.coordinator.internal.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import io.taskgrid.coordinator.internal.store.ExecutionQuery;
import io.taskgrid.coordinator.internal.store.PageToken;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.proto.v1.ExecutionStatus;
import io.taskgrid.proto.v1.ListExecutionsRequest;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExecutionQueriesTest {
  private static String rejectedField(ListExecutionsRequest r) {
    InvalidArgumentException e = (InvalidArgumentException) org.assertj.core.api.Assertions.catchThrowable(() -> ExecutionQueries.fromProto(r));
    assertThat(e).as("rejected").isNotNull();
    return e.field();
  }

  @Test
  void anEmptyRequestListsEverythingInPagesOfAHundred() {
    ExecutionQuery q = ExecutionQueries.fromProto(ListExecutionsRequest.getDefaultInstance());
    assertThat(q.pageSize()).isEqualTo(100);
    assertThat(q.statuses()).isEmpty();
    assertThat(q.taskId()).isEmpty();
    assertThat(q.from()).isEmpty();
  }

  @Test
  void carriesEveryFilter() {
    ListExecutionsRequest first = ListExecutionsRequest.newBuilder().setTaskId("nightly").setHandler("send")
        .addStatuses(ExecutionStatus.EXECUTION_STATUS_CANCELLED).addStatuses(ExecutionStatus.EXECUTION_STATUS_SKIPPED)
        .setSubmittedAfter(Timestamp.newBuilder().setSeconds(10)).setSubmittedBefore(Timestamp.newBuilder().setSeconds(20))
        .putLabels("team", "blue").build();
    PageToken token = ExecutionQueries.fromProto(first).next(5, "id-1");
    ExecutionQuery q = ExecutionQueries.fromProto(first.toBuilder().setPageSize(1000).setPageToken(token.encode()).build());
    assertThat(q.taskId()).contains("nightly");
    assertThat(q.handler()).contains("send");
    assertThat(q.statuses()).containsExactlyInAnyOrder(io.taskgrid.core.ExecutionStatus.CANCELLED, io.taskgrid.core.ExecutionStatus.SKIPPED);
    assertThat(q.submittedAfter()).contains(Instant.ofEpochSecond(10));
    assertThat(q.submittedBefore()).contains(Instant.ofEpochSecond(20));
    assertThat(q.labels()).containsEntry("team", "blue");
    assertThat(q.pageSize()).isEqualTo(1000);
    assertThat(q.from()).contains(token);
  }

  @Test
  void rejectsEachBadFieldByName() {
    assertThat(rejectedField(ListExecutionsRequest.newBuilder().setPageSize(1001).build())).isEqualTo("page_size");
    assertThat(rejectedField(ListExecutionsRequest.newBuilder().setPageSize(-1).build())).isEqualTo("page_size");
    assertThat(rejectedField(ListExecutionsRequest.newBuilder().setPageToken("nope").build())).isEqualTo("page_token");
    assertThat(rejectedField(ListExecutionsRequest.newBuilder().addStatuses(ExecutionStatus.EXECUTION_STATUS_FAILED)
        .addStatuses(ExecutionStatus.EXECUTION_STATUS_UNSPECIFIED).build())).isEqualTo("statuses[1]");
    assertThat(rejectedField(ListExecutionsRequest.newBuilder().addStatusesValue(42).build())).isEqualTo("statuses[0]");
    assertThat(rejectedField(ListExecutionsRequest.newBuilder().setHandler(" bad").build())).isEqualTo("handler");
    assertThat(rejectedField(ListExecutionsRequest.newBuilder().setTaskId("no spaces please").build())).isEqualTo("task_id");
    assertThat(rejectedField(ListExecutionsRequest.newBuilder().setSubmittedAfter(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE))
        .build())).isEqualTo("submitted_after");
    assertThat(rejectedField(ListExecutionsRequest.newBuilder().setSubmittedAfter(Timestamp.newBuilder().setSeconds(20))
        .setSubmittedBefore(Timestamp.newBuilder().setSeconds(10)).build())).isEqualTo("submitted_after");
    assertThat(rejectedField(ListExecutionsRequest.newBuilder().putLabels("", "x").build())).isEqualTo("labels");
  }

  @Test
  void rejectsAPageTokenReusedWithOtherFilters() {
    ListExecutionsRequest failed = ListExecutionsRequest.newBuilder().setTaskId("nightly")
        .addStatuses(ExecutionStatus.EXECUTION_STATUS_FAILED).build();
    String token = ExecutionQueries.fromProto(failed).next(5, "id-1").encode();

    assertThat(ExecutionQueries.fromProto(failed.toBuilder().setPageToken(token).setPageSize(7).build()).from()).isPresent();
    assertThat(rejectedField(failed.toBuilder().setPageToken(token).addStatuses(ExecutionStatus.EXECUTION_STATUS_SKIPPED).build()))
        .isEqualTo("page_token");
    assertThat(rejectedField(failed.toBuilder().setPageToken(token).setTaskId("weekly").build())).isEqualTo("page_token");
    assertThat(rejectedField(ListExecutionsRequest.newBuilder().setPageToken(token).build())).isEqualTo("page_token");
  }
}
