package io.taskgrid.core.keyspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PackedTest {
  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "a:b", "été", "✓ check", "emoji 😀 pair", "lone \uD800 high", "lone \uDC00 low", "end \uD83D"})
  void lengthsCountTheUtf8BytesRedisReceives(String s) {
    assertThat(Packed.utf8Length(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
    byte[] packed = new Packed().add(s).add("x").toByteArray();
    assertThat(Packed.parse(packed)).containsExactly(new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8), "x");
  }

  @Test
  void packsNumbersAndEmptyStrings() {
    assertThat(new Packed().add(42).add("").add("ok").toString()).isEqualTo("2:420:2:ok");
    assertThat(Packed.parse("2:420:2:ok".getBytes(StandardCharsets.US_ASCII))).isEqualTo(List.of("42", "", "ok"));
  }
}
