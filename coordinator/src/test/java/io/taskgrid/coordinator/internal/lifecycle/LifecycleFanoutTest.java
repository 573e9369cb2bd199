package io.taskgrid.coordinator.internal.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.proto.v1.LifecycleEvent;
import io.taskgrid.proto.v1.LifecycleEventKind;
import io.taskgrid.proto.v1.WatchLifecycleRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifecycleFanoutTest {
  /** A client whose transport is ready or not, as the test says. */
  private static final class FakeSink implements LifecycleFanout.Sink {
    final List<LifecycleEvent> received = new ArrayList<>();
    boolean ready = true;
    String ended = "";

    @Override
    public boolean isReady() {
      return ready;
    }

    @Override
    public void send(LifecycleEvent event) {
      received.add(event);
    }

    @Override
    public void overflowed() {
      ended = "overflowed";
    }

    @Override
    public void completed() {
      ended = "completed";
    }

    @Override
    public void unavailable() {
      ended = "unavailable";
    }
  }

  private static final class Activity implements LifecycleFanout.Activity {
    final List<String> calls = new ArrayList<>();

    @Override
    public void firstOpened() {
      calls.add("first");
    }

    @Override
    public void lastClosed() {
      calls.add("last");
    }
  }

  private final Activity activity = new Activity();
  private final LifecycleFanout fanout = new LifecycleFanout(3, activity);

  private static LifecycleEvent event(int n, String handler) {
    return LifecycleEvent.newBuilder().setEventId("ev-" + n).setKind(LifecycleEventKind.EXECUTION_QUEUED).setHandler(handler).build();
  }

  private static LifecycleFilter handler(String h) {
    return LifecycleFilter.of(WatchLifecycleRequest.newBuilder().setHandler(h).build());
  }

  @Test
  void eachStreamGetsOnlyTheEventsItsFilterPasses() {
    FakeSink a = new FakeSink();
    FakeSink b = new FakeSink();
    fanout.open(handler("a"), a);
    fanout.open(LifecycleFilter.ALL, b);

    fanout.publish(event(1, "a"));
    fanout.publish(event(2, "b"));

    assertThat(a.received).extracting(LifecycleEvent::getEventId).containsExactly("ev-1");
    assertThat(b.received).extracting(LifecycleEvent::getEventId).containsExactly("ev-1", "ev-2");
  }

  @Test
  void eventsWaitWhileTheClientIsNotReadyAndFollowInOrderWhenItIs() {
    FakeSink sink = new FakeSink();
    LifecycleFanout.Subscription s = fanout.open(LifecycleFilter.ALL, sink);
    sink.ready = false;

    fanout.publish(event(1, "a"));
    fanout.publish(event(2, "a"));
    assertThat(sink.received).isEmpty();
    assertThat(s.buffered()).isEqualTo(2);

    sink.ready = true;
    fanout.publish(event(3, "a"));

    assertThat(sink.received).extracting(LifecycleEvent::getEventId).containsExactly("ev-1", "ev-2", "ev-3");
    assertThat(s.buffered()).isZero();
  }

  @Test
  void drainSendsWhatWaitedOnceTheTransportIsReady() {
    FakeSink sink = new FakeSink();
    LifecycleFanout.Subscription s = fanout.open(LifecycleFilter.ALL, sink);
    sink.ready = false;
    fanout.publish(event(1, "a"));

    sink.ready = true;
    s.drain();

    assertThat(sink.received).extracting(LifecycleEvent::getEventId).containsExactly("ev-1");
  }

  @Test
  void aSlowClientIsEndedWhenItsBufferIsFullWithoutHoldingUpOthers() {
    FakeSink slow = new FakeSink();
    FakeSink fast = new FakeSink();
    LifecycleFanout.Subscription s = fanout.open(LifecycleFilter.ALL, slow);
    fanout.open(LifecycleFilter.ALL, fast);
    slow.ready = false;

    for (int i = 1; i <= 3; i++) fanout.publish(event(i, "a"));
    assertThat(slow.ended).isEmpty();
    fanout.publish(event(4, "a"));

    assertThat(slow.ended).isEqualTo("overflowed");
    assertThat(s.isEnded()).isTrue();
    assertThat(s.buffered()).isZero();
    assertThat(fanout.size()).isEqualTo(1);
    fanout.publish(event(5, "a"));
    assertThat(slow.received).isEmpty();
    assertThat(fast.received).hasSize(5);
  }

  @Test
  void theFeedRunsFromTheFirstOpenStreamToTheLastClosedOne() {
    LifecycleFanout.Subscription a = fanout.open(LifecycleFilter.ALL, new FakeSink());
    LifecycleFanout.Subscription b = fanout.open(LifecycleFilter.ALL, new FakeSink());
    assertThat(activity.calls).containsExactly("first");

    a.cancel();
    assertThat(activity.calls).containsExactly("first");
    b.cancel();
    assertThat(activity.calls).containsExactly("first", "last");

    fanout.open(LifecycleFilter.ALL, new FakeSink());
    assertThat(activity.calls).containsExactly("first", "last", "first");
  }

  @Test
  void aCancelledStreamGetsNothingMore() {
    FakeSink sink = new FakeSink();
    fanout.open(LifecycleFilter.ALL, sink).cancel();

    fanout.publish(event(1, "a"));

    assertThat(sink.received).isEmpty();
    assertThat(sink.ended).as("the client went away: nothing to tell it").isEmpty();
  }

  @Test
  void closingCompletesEveryStreamAndLaterOnesAtOnce() {
    FakeSink a = new FakeSink();
    fanout.open(LifecycleFilter.ALL, a);

    fanout.close();
    FakeSink late = new FakeSink();
    fanout.open(LifecycleFilter.ALL, late);

    assertThat(a.ended).isEqualTo("completed");
    assertThat(late.ended).isEqualTo("completed");
    assertThat(fanout.size()).isZero();
    assertThat(activity.calls).containsExactly("first", "last");
  }

  @Test
  void aFailedFeedEndsTheStreamsAsUnavailableAndServesNewOnes() {
    FakeSink a = new FakeSink();
    fanout.open(LifecycleFilter.ALL, a);

    fanout.failAll();
    FakeSink b = new FakeSink();
    fanout.open(LifecycleFilter.ALL, b);
    fanout.publish(event(1, "a"));

    assertThat(a.ended).isEqualTo("unavailable");
    assertThat(b.received).hasSize(1);
  }
}
