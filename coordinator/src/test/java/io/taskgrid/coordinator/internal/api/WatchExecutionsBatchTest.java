package io.taskgrid.coordinator.internal.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.taskgrid.proto.v1.ExecutionStatus;
import io.taskgrid.proto.v1.ExecutionUpdate;
import io.taskgrid.proto.v1.SubmitTaskRequest;
import io.taskgrid.proto.v1.SubmitTasksRequest;
import io.taskgrid.proto.v1.WatchExecutionsRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** WatchExecutions with {@code batch}: updates ready together leave in one message, within bounds. */
class WatchExecutionsBatchTest {
  private final InProcessTaskService service = new InProcessTaskService();

  @AfterEach
  void close() {
    service.close();
  }

  private List<String> submit(int n) {
    List<String> ids = new ArrayList<>();
    for (int from = 0; from < n; from += 1000) {
      SubmitTasksRequest.Builder b = SubmitTasksRequest.newBuilder();
      for (int i = from; i < Math.min(n, from + 1000); i++) b.addTasks(SubmitTaskRequest.newBuilder().setHandler("echo"));
      service.tasks().submitTasks(b.build()).getResultsList().forEach(r -> ids.add(r.getExecutionId()));
    }
    return ids;
  }

  /** An open stream and every message it received. */
  private final class Stream {
    final List<ExecutionUpdate> messages = new CopyOnWriteArrayList<>();
    final StreamObserver<WatchExecutionsRequest> requests = service.tasksAsync().withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS)
        .watchExecutions(new StreamObserver<>() {
          @Override
          public void onNext(ExecutionUpdate u) {
            messages.add(u);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        });

    /** Every update received, the ones in {@code more} in place, in order. */
    List<ExecutionUpdate> updates() {
      List<ExecutionUpdate> all = new ArrayList<>();
      for (ExecutionUpdate m : messages) {
        all.add(m.toBuilder().clearMore().build());
        all.addAll(m.getMoreList());
      }
      return all;
    }

    void watch(List<String> ids, boolean batch) {
      requests.onNext(WatchExecutionsRequest.newBuilder().addAllExecutionIds(ids).setTerminalOnly(true).setBatch(batch).build());
    }
  }

  private static List<String> ids(List<ExecutionUpdate> updates) {
    return updates.stream().map(u -> u.getExecution().getExecutionId()).toList();
  }

  @Test
  void outcomesRecordedTogetherComeInOneMessage() {
    List<String> ids = submit(200);
    Stream stream = new Stream();
    stream.watch(ids, true);
    await().until(() -> service.hubWatched() == 200);

    service.store.finish(ids, "ok".getBytes());

    await().until(() -> stream.updates().size() == 200);
    assertThat(stream.messages).hasSize(1);
    assertThat(ids(stream.updates())).isEqualTo(ids);
    assertThat(stream.updates()).allSatisfy(u -> {
      assertThat(u.getExecution().getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
      assertThat(u.getExecution().getResult().getData().toStringUtf8()).isEqualTo("ok");
      assertThat(u.getMoreCount()).isZero();
    });
  }

  @Test
  void withoutBatchEachUpdateIsAMessageOfItsOwn() {
    List<String> ids = submit(50);
    Stream stream = new Stream();
    stream.watch(ids, false);
    await().until(() -> service.hubWatched() == 50);

    service.store.finish(ids, "ok".getBytes());

    await().until(() -> stream.messages.size() == 50);
    assertThat(stream.messages).allSatisfy(m -> assertThat(m.getMoreCount()).isZero());
    assertThat(ids(stream.messages)).isEqualTo(ids);
  }

  @Test
  void theFirstMessageDecidesForTheWholeStream() {
    List<String> first = submit(10);
    List<String> second = submit(10);
    Stream stream = new Stream();
    stream.watch(first, false);
    stream.watch(second, true); // too late: the stream sends one update per message
    await().until(() -> service.hubWatched() == 20);

    service.store.finish(second, "ok".getBytes());

    await().until(() -> stream.messages.size() == 10);
    assertThat(stream.messages).allSatisfy(m -> assertThat(m.getMoreCount()).isZero());
  }

  @Test
  void aBatchStaysUnderAThousandUpdatesAndAMebibyte() {
    List<String> small = submit(2500);
    Stream stream = new Stream();
    stream.watch(small.subList(0, 1000), true);
    stream.watch(small.subList(1000, 2000), true);
    stream.watch(small.subList(2000, 2500), true);
    await().until(() -> service.hubWatched() == 2500);
    service.store.finish(small, new byte[0]);
    await().until(() -> stream.updates().size() == 2500);
    assertThat(stream.messages).extracting(m -> m.getMoreCount() + 1).containsExactly(1000, 1000, 500);

    stream.messages.clear();
    List<String> large = submit(10);
    stream.watch(large, true);
    await().until(() -> service.hubWatched() == 10);
    service.store.finish(large, new byte[300_000]); // three fit in 1 MiB, a fourth does not
    await().until(() -> stream.updates().size() == 10);
    assertThat(stream.messages).extracting(m -> m.getMoreCount() + 1).containsExactly(3, 3, 3, 1);
    assertThat(stream.messages).allSatisfy(m -> assertThat(m.getSerializedSize()).isLessThan(4 << 20));
    assertThat(ids(stream.updates())).isEqualTo(large);
  }

  @Test
  void aStreamClosedForARequestItCouldNotParseWatchesNothingMore() throws Exception {
    List<String> ids = submit(20);
    MethodDescriptor<byte[], byte[]> watch = InProcessTaskService.asBytes(io.taskgrid.proto.v1.TaskServiceGrpc.getWatchExecutionsMethod());
    java.util.concurrent.CompletableFuture<Status> ended = new java.util.concurrent.CompletableFuture<>();
    List<byte[]> received = new CopyOnWriteArrayList<>();
    StreamObserver<byte[]> requests = io.grpc.stub.ClientCalls.asyncBidiStreamingCall(
        service.channel().newCall(watch, io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)),
        new StreamObserver<>() {
          @Override
          public void onNext(byte[] value) {
            received.add(value);
          }

          @Override
          public void onError(Throwable t) {
            ended.complete(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            ended.complete(Status.OK);
          }
        });
    requests.onNext(WatchExecutionsRequest.newBuilder().addAllExecutionIds(ids).setTerminalOnly(true).setBatch(true).build().toByteArray());
    await().until(() -> service.hubWatched() == 20);
    requests.onNext(new byte[] {0x0a, 0x02, (byte) 0xff, (byte) 0xfe}); // execution_ids[0] not UTF-8

    Status status = ended.get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).isEqualTo("execution_ids: is not valid UTF-8");
    await().until(() -> service.hubWatched() == 0);
    service.store.finish(ids, "late".getBytes()); // nothing is sent on the closed call, nothing fails
    assertThat(received).isEmpty();
  }

  @Test
  void unknownAndMalformedIdsAreAnsweredInTheBatchOfTheirRequest() {
    List<String> known = submit(3);
    service.store.finish(known.subList(0, 2), "done".getBytes()); // already terminal when watched
    Stream stream = new Stream();
    List<String> asked = new ArrayList<>(known);
    asked.add("not-an-id");
    asked.add("00000000-0000-7000-8000-000000000001");
    stream.watch(asked, true);

    await().until(() -> stream.updates().size() == 4);
    List<ExecutionUpdate> updates = stream.updates();
    assertThat(updates).filteredOn(ExecutionUpdate::getNotFound).extracting(u -> u.getExecution().getExecutionId())
        .containsExactlyInAnyOrder("not-an-id", "00000000-0000-7000-8000-000000000001");
    assertThat(updates).filteredOn(u -> !u.getNotFound()).extracting(u -> u.getExecution().getExecutionId())
        .containsExactlyInAnyOrderElementsOf(known.subList(0, 2));
    assertThat(stream.messages.size()).isLessThanOrEqualTo(2); // the malformed id at once, the rest after one read
    await().during(Duration.ofMillis(200)).until(() -> stream.updates().size() == 4); // the pending one is not sent
  }
}
