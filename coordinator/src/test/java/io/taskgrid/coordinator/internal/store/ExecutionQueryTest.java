package io.taskgrid.coordinator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.core.ExecutionStatus;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.keyspace.Keyspace;
import java.time.Instant;
import java.util.List;
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
    PageToken token = between(null, Instant.ofEpochMilli(5000), Optional.empty()).next(1234, "x");
    assertThat(between(null, Instant.ofEpochMilli(5000), Optional.of(token)).maxScore()).isEqualTo("1234");
  }

  @Test
  void aTokenIsGoodForItsFiltersInAnyOrderAndWithAnyPageSize() {
    ExecutionQuery first = new ExecutionQuery(Optional.of("nightly"), Optional.of("send"),
        Set.of(ExecutionStatus.FAILED, ExecutionStatus.SKIPPED), Optional.of(Instant.ofEpochMilli(1000)), Optional.empty(),
        Map.of("team", "blue", "env", "prod"), 10, Optional.empty());
    PageToken token = first.next(900, "id-9");

    ExecutionQuery second = new ExecutionQuery(Optional.of("nightly"), Optional.of("send"),
        new java.util.LinkedHashSet<>(List.of(ExecutionStatus.SKIPPED, ExecutionStatus.FAILED)), Optional.of(Instant.ofEpochMilli(1000)),
        Optional.empty(), new java.util.TreeMap<>(Map.of("env", "prod", "team", "blue")), 500, Optional.of(token));

    assertThat(second.from()).contains(token);
    assertThat(second.next(800, "id-8").filters()).isEqualTo(token.filters());
  }

  @Test
  void rejectsATokenIssuedForOtherFiltersNamingPageToken() {
    ExecutionQuery issuer = new ExecutionQuery(Optional.of("nightly"), Optional.empty(), Set.of(ExecutionStatus.FAILED), Optional.empty(),
        Optional.empty(), Map.of("team", "blue"), 10, Optional.empty());
    Optional<PageToken> token = Optional.of(issuer.next(900, "id-9"));
    List<Runnable> otherFilters = List.of(
        () -> new ExecutionQuery(Optional.of("weekly"), Optional.empty(), Set.of(ExecutionStatus.FAILED), Optional.empty(), Optional.empty(),
            Map.of("team", "blue"), 10, token),
        () -> new ExecutionQuery(Optional.empty(), Optional.of("nightly"), Set.of(ExecutionStatus.FAILED), Optional.empty(), Optional.empty(),
            Map.of("team", "blue"), 10, token),
        () -> new ExecutionQuery(Optional.of("nightly"), Optional.empty(), Set.of(), Optional.empty(), Optional.empty(),
            Map.of("team", "blue"), 10, token),
        () -> new ExecutionQuery(Optional.of("nightly"), Optional.empty(), Set.of(ExecutionStatus.FAILED), Optional.of(Instant.EPOCH),
            Optional.empty(), Map.of("team", "blue"), 10, token),
        () -> new ExecutionQuery(Optional.of("nightly"), Optional.empty(), Set.of(ExecutionStatus.FAILED), Optional.empty(),
            Optional.of(Instant.EPOCH), Map.of("team", "blue"), 10, token),
        () -> new ExecutionQuery(Optional.of("nightly"), Optional.empty(), Set.of(ExecutionStatus.FAILED), Optional.empty(), Optional.empty(),
            Map.of("team", "red"), 10, token),
        () -> new ExecutionQuery(Optional.of("nightly"), Optional.empty(), Set.of(ExecutionStatus.FAILED), Optional.empty(), Optional.empty(),
            Map.of(), 10, token));
    for (int i = 0; i < otherFilters.size(); i++) {
      assertThatThrownBy(otherFilters.get(i)::run).as("filter change %d", i)
          .isInstanceOfSatisfying(InvalidArgumentException.class, e -> {
            assertThat(e.field()).isEqualTo("page_token");
            assertThat(e.getMessage()).contains("was issued for other filters");
          });
    }
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
