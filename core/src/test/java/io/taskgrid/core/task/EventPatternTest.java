package io.taskgrid.core.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.core.InvalidArgumentException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventPatternTest {
  @ParameterizedTest(name = "{0} matches {1}: {2}")
  @CsvSource({
      "user:*, user:signup, true",
      "user:*, user:, true",
      "user:*, users:signup, false",
      "user:*, audit:user:signup, false",
      "*, anything.at/all, true",
      "*:failed, payment:failed, true",
      "*:failed, payment:failed:twice, false",
      "a*b*c, aXXbYYc, true",
      "a*b*c, aXXbYY, false",
      "order.created, order.created, true",
      "order.created, order.createdX, false",
      "**, x, true",
  })
  void matchesNamesWithStarWildcards(String pattern, String name, boolean expected) {
    assertThat(EventPattern.parse("p", pattern).matches(new EventName(name))).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "user *", "user:?", "[abc]", "-x", "user:*\n"})
  void rejectsPatternsOutsideTheNameAlphabetNamingTheField(String bad) {
    assertThatThrownBy(() -> EventPattern.parse("task.trigger.event", bad))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith("task.trigger.event: ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "user:*", "a b", ":x"})
  void rejectsInvalidEventNames(String bad) {
    assertThatThrownBy(() -> EventName.parse("name", bad)).isInstanceOf(InvalidArgumentException.class).hasMessageStartingWith("name: ");
  }
}
