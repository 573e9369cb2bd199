package io.taskgrid.coordinator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.keyspace.Keyspace;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExecutionQueryTest {
  private final Keyspace keys = new Keyspace("q");

  private static ExecutionQuery query(Optional<String> task, Optional<String> handler) {
    return new ExecutionQuery(task, handler, Set.of(), Optional.empty(), Optional.empty(), Map.of(), 10, Optional.empty());
  }

  private static ExecutionQuery between(Instant after, Instant before, Optional<PageToken> from) {
    return new ExecutionQuery(Optional.empty(), Optional.empty(), Set.of(), Optional.ofNullable(after), Optional.ofNullable(before), Map.of(),
        10, from);
  }

  @Test
  void walksTheTaskIndexWhenATaskIsGivenAndChecksTheHandlerOnEachRecord() {
    ExecutionQuery q = query(Optional.of("nightly"), Optional.of("send"));
    assertThat(q.indexKey(keys)).isEqualTo("tg:q:ix:t:nightly");
    assertThat(q.handlerToCheck()).contains("send");
  }

  @Test
  void walksTheHandlerIndexWhenOnlyAHandlerIsGiven() {
    ExecutionQuery q = query(Optional.empty(), Optional.of("send"));
    assertThat(q.indexKey(keys)).isEqualTo("tg:q:ix:h:send");
    assertThat(q.handlerToCheck()).isEmpty();
  }

  @Test
  void walksEveryExecutionWithoutTaskOrHandler() {
    assertThat(query(Optional.empty(), Optional.empty()).indexKey(keys)).isEqualTo("tg:q:ix:all");
  }

  @Test
  void timeBoundsBecomeScoreBoundsInWholeMillisecondsRoundedUp() {
    ExecutionQuery q = between(Instant.ofEpochMilli(1000).plusNanos(700_000), Instant.ofEpochMilli(2000).plusNanos(1), Optional.empty());
    assertThat(q.minScore()).isEqualTo("1001");
    assertThat(q.maxScore()).isEqualTo("(2001");
    ExecutionQuery exact = between(Instant.ofEpochMilli(1000), Instant.ofEpochMilli(2000), Optional.empty());
    assertThat(exact.minScore()).isEqualTo("1000");
    assertThat(exact.maxScore()).isEqualTo("(2000");
    ExecutionQuery open = between(null, null, Optional.empty());
    assertThat(open.minScore()).isEqualTo("-inf");
    assertThat(open.maxScore()).isEqualTo("+inf");
  }

  @Test
  void aNextPageStartsAtThePreviousPagePosition() {
    assertThat(between(null, Instant.ofEpochMilli(5000), Optional.of(new PageToken(1234, "x"))).maxScore()).isEqualTo("1234");
  }

  @Test
  void theScanBudgetIsTenEntriesPerExecutionAskedFor() {
    assertThat(query(Optional.empty(), Optional.empty()).scanBudget()).isEqualTo(100);
  }

  @Test
  void rejectsAPageSizeOutOfRangeNamingTheField() {
    for (int size : new int[] {0, -1, 1001}) {
      assertThatThrownBy(() -> new ExecutionQuery(Optional.empty(), Optional.empty(), Set.of(), Optional.empty(), Optional.empty(), Map.of(),
          size, Optional.empty()))
          .isInstanceOfSatisfying(InvalidArgumentException.class, e -> assertThat(e.field()).isEqualTo("page_size"));
    }
  }

  @Test
  void rejectsATimeRangeThatEndsBeforeItStarts() {
    assertThatThrownBy(() -> between(Instant.ofEpochMilli(2000), Instant.ofEpochMilli(2000), Optional.empty()))
        .isInstanceOfSatisfying(InvalidArgumentException.class, e -> assertThat(e.field()).isEqualTo("submitted_after"));
  }
}
