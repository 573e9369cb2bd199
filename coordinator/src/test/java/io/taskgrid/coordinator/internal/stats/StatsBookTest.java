package io.taskgrid.coordinator.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.coordinator.internal.stats.StatsBook.End;
import io.taskgrid.coordinator.internal.stats.StatsBook.Gauge;
import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.core.stats.DurationHistogram;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatsBookTest {
  private static final String MS_100 = Integer.toString(DurationHistogram.bucketOf(Duration.ofMillis(100)));
  private static final String S_2 = Integer.toString(DurationHistogram.bucketOf(Duration.ofSeconds(2)));

  @Test
  void countersSortIntoHandlerAndTaskGroups() {
    StatsBook book = StatsBook.of(
        Map.of("h:email|R", 2L, "h:email|P", 5L, "t:nightly|R", 1L, "h:report:v2|W", 3L, "h:report:v2|L", 1L, "h:email|Q", 4L),
        Map.of("h:email|S|" + MS_100, 8L, "h:email|F|" + S_2, 2L, "h:email|K|", 1L, "t:nightly|S|" + MS_100, 3L),
        Map.of("h:email|S|" + MS_100, 20L, "h:email|C|", 1L));
    StatsBook.Group email = book.handlers().get("email");
    assertThat(email.gauge(Gauge.RUNNING)).isEqualTo(2);
    assertThat(email.gauge(Gauge.PENDING)).isEqualTo(5);
    assertThat(email.gauge(Gauge.WAITING_QUEUE)).isEqualTo(4);
    assertThat(email.lastHour().count(End.SUCCEEDED)).isEqualTo(8);
    assertThat(email.lastHour().count(End.FAILED)).isEqualTo(2);
    assertThat(email.lastHour().count(End.SKIPPED)).isEqualTo(1);
    assertThat(email.lastHour().runs().count()).isEqualTo(10);
    assertThat(email.lastDay().count(End.SUCCEEDED)).isEqualTo(20);
    assertThat(email.lastDay().count(End.CANCELLED)).isEqualTo(1);
    // a handler name may hold ':' (names allow it); only '|' separates
    assertThat(book.handlers().get("report:v2").gauge(Gauge.WAITING_RETRY)).isEqualTo(3);
    assertThat(book.handlers().get("report:v2").gauge(Gauge.WAITING_RATE_LIMIT)).isEqualTo(1);
    assertThat(book.tasks().get("nightly").lastHour().count(End.SUCCEEDED)).isEqualTo(3);
    assertThat(book.tasks().get("nightly").gauge(Gauge.RUNNING)).isEqualTo(1);
  }

  @Test
  void theSuccessRateLeavesSkippedAndCancelledOutAndIsOneWhenNothingRan() {
    StatsBook book = StatsBook.of(Map.of(),
        Map.of("h:a|S|1", 3L, "h:a|F|1", 1L, "h:a|K|", 5L, "h:a|C|", 5L, "h:b|K|", 2L, "h:c|T|4", 1L),
        Map.of());
    assertThat(book.handlers().get("a").lastHour().successRate()).isEqualTo(0.75);
    assertThat(book.handlers().get("b").lastHour().successRate()).isEqualTo(1.0);
    assertThat(book.handlers().get("c").lastHour().successRate()).isEqualTo(0.0);
    assertThat(new StatsBook.Window().successRate()).isEqualTo(1.0);
  }

  @Test
  void theTotalSumsTheHandlersAndNotTheTasksWhichCountTheSameExecutionsAgain() {
    StatsBook book = StatsBook.of(Map.of("h:a|R", 1L, "h:b|R", 2L, "t:x|R", 1L),
        Map.of("h:a|S|" + MS_100, 1L, "h:b|S|" + S_2, 1L, "t:x|S|" + MS_100, 1L), Map.of());
    book.task("x").addScheduled(6);
    book.handler("a").addScheduled(6);
    StatsBook.Group total = book.total();
    assertThat(total.gauge(Gauge.RUNNING)).isEqualTo(3);
    assertThat(total.lastHour().count(End.SUCCEEDED)).isEqualTo(2);
    assertThat(total.lastHour().runs().count()).isEqualTo(2);
    assertThat(total.scheduledNextHour()).isEqualTo(6);
  }

  @Test
  void aGaugeThatDriftedBelowZeroReadsZero() {
    StatsBook book = StatsBook.of(Map.of("h:a|R", -2L, "h:b|R", 3L), Map.of(), Map.of());
    assertThat(book.handlers().get("a").gauge(Gauge.RUNNING)).isZero();
    assertThat(book.total().gauge(Gauge.RUNNING)).isEqualTo(3);
  }

  @Test
  void theOverflowGroupIsAHandlerOfItsOwnSoTheTotalStaysRight() {
    StatsBook book = StatsBook.of(Map.of(), Map.of("h:" + Keyspace.Stats.OTHER + "|S|1", 4L, "h:a|S|1", 1L), Map.of());
    assertThat(book.handlers()).containsKey(Keyspace.Stats.OTHER);
    assertThat(book.total().lastHour().count(End.SUCCEEDED)).isEqualTo(5);
  }

  @Test
  void malformedFieldsAreSkipped() {
    StatsBook book = StatsBook.of(Map.of("x:a|R", 1L, "h:a", 1L, "h:a|Z", 1L, "h:a|RR", 1L),
        Map.of("h:a|S", 1L, "h:a|Z|1", 1L, "h:b|S|notanumber", 2L), Map.of());
    assertThat(book.total().gauge(Gauge.RUNNING)).isZero();
    assertThat(book.handlers().get("b").lastHour().count(End.SUCCEEDED)).isEqualTo(2);
    assertThat(book.handlers().get("b").lastHour().runs().count()).isZero();
    assertThat(book.total().lastHour().count(End.SUCCEEDED)).isEqualTo(2);
  }
}
