package io.taskgrid.core.keyspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.core.keyspace.Entries.Entry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EntriesTest {
  @Test
  void roundTripsEntriesWithAndWithoutFields() {
    List<Entry> entries = List.of(
        new Entry("e1", "RUNNING", Map.of()),
        new Entry("e2", "SUCCEEDED", Map.of("s", "SUCCEEDED", "em", "a:b|c\n3:xyz", "l:région", "été ✓")),
        new Entry("e3", "", Map.of()));
    List<Entry> parsed = Entries.parse(Entries.encode(entries));
    assertThat(parsed).isEqualTo(entries);
    assertThat(parsed.get(2).exists()).isFalse();
    assertThat(parsed.get(1).hasFields()).isTrue();
  }

  @Test
  void readsTheFormatTheLuaFunctionsWrite() {
    // what tg_entry('e1', 'FAILED', {'s', 'FAILED', 'em', 'é'}) .. tg_entry('e2', 'RUNNING', nil) produces
    byte[] lua = "2:e16:FAILED1:21:s6:FAILED2:em2:é2:e27:RUNNING1:0".getBytes(StandardCharsets.UTF_8);
    assertThat(Entries.parse(lua)).containsExactly(
        new Entry("e1", "FAILED", Map.of("s", "FAILED", "em", "é")),
        new Entry("e2", "RUNNING", Map.of()));
  }

  @Test
  void emptyDataHasNoEntries() {
    assertThat(Entries.parse(new byte[0])).isEmpty();
  }

  @Test
  void rejectsMalformedData() {
    assertThatThrownBy(() -> Entries.parse("2:e1".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Entries.parse("9:e1".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Entries.parse("x:e1".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Entries.parse("2:e15:READY2:-1".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IllegalArgumentException.class);
  }
}
