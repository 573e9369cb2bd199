package io.taskgrid.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.core.InvalidArgumentException;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MisfirePolicyTest {
  @ParameterizedTest
  @CsvSource({
    "skip, skip",
    "SKIP, skip",
    "fire_once, fire_once",
    "' Fire_Once ', fire_once",
    "catch_up, catch_up:1h",
    "catch_up:2h, catch_up:2h",
    "catch_up: 90m, catch_up:90m",
    "catch_up:1h30m, catch_up:90m",
    "catch_up:1d, catch_up:1d",
    "catch_up:PT45S, catch_up:45s",
    "catch_up:1500ms, catch_up:1500ms"
  })
  void parsesToACanonicalTextThatRoundTrips(String text, String canonical) {
    MisfirePolicy policy = MisfirePolicy.parse("task.misfire", text);

    assertThat(policy.text()).isEqualTo(canonical);
    assertThat(MisfirePolicy.parse("task.misfire", policy.text())).isEqualTo(policy);
  }

  @ParameterizedTest
  @CsvSource({"skip, Skip", "fire_once, FireOnce", "catch_up:2h, CatchUp"})
  void readsEachVariant(String text, String variant) {
    assertThat(MisfirePolicy.parse("f", text).getClass().getSimpleName()).isEqualTo(variant);
  }

  @ParameterizedTest
  @ValueSource(strings = {"catch_up", "catch_up:1h"})
  void catchUpDefaultsToAnHourWindow(String text) {
    assertThat(MisfirePolicy.parse("f", text)).isEqualTo(new MisfirePolicy.CatchUp(Duration.ofHours(1)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "skipp", "fire-once", "fireonce", "skip:1h", "fire_once:2h", "catch up", "latest"})
  void rejectsUnknownPoliciesNamingTheField(String text) {
    assertThatThrownBy(() -> MisfirePolicy.parse("task.misfire", text))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage(
            "task.misfire: must be skip, fire_once, catch_up or catch_up:<window> such as catch_up:2h, got \"" + text + "\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"catch_up:", "catch_up:soon", "catch_up:0s", "catch_up:PT-1H"})
  void rejectsABadCatchUpWindow(String text) {
    assertThatThrownBy(() -> MisfirePolicy.parse("task.misfire", text))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith("task.misfire: catch_up window must be")
        .hasMessageEndingWith("got \"" + text + "\"");
  }
}
