package io.taskgrid.wire.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.taskgrid.proto.v1.ExecutionStatus;
import io.taskgrid.proto.v1.LifecycleEvent;
import io.taskgrid.proto.v1.LifecycleEventKind;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written writer against protobuf's JSON printer, which defines the topic's format. */
class LifecycleJsonTest {
  private static final String TRICKY = "\"\\/\b\f\n\r\t\u0000\u0001\u001f\u007f<>&='\u2028\u2029é漢😀 aZ09-_.:";

  @Test
  void aTypicalEventIsWrittenAsTheJsonPrinterWritesIt() {
    LifecycleEvent e = LifecycleEvent.newBuilder().setEventId("0b7e3c1a-6f4e-4d2b-9a51-3c2d1e0f9a8b")
        .setTime(Timestamp.newBuilder().setSeconds(1_796_158_931L).setNanos(482_000_000))
        .setKind(LifecycleEventKind.EXECUTION_SUCCEEDED).setExecutionId("e-1").setHandler("send-report").setTaskId("nightly")
        .setAttempt(1).setWorkerId("w-1").setStatus(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED).setSource("c-1")
        .putLabels("team", "ops").putLabels("env", "prod").build();

    assertThat(text(LifecycleJson.write(e))).isEqualTo(text(LifecycleJson.printed(e)))
        .isEqualTo("{\"eventId\":\"0b7e3c1a-6f4e-4d2b-9a51-3c2d1e0f9a8b\",\"time\":\"2026-12-01T21:02:11.482Z\","
            + "\"kind\":\"EXECUTION_SUCCEEDED\",\"taskId\":\"nightly\",\"executionId\":\"e-1\",\"handler\":\"send-report\","
            + "\"attempt\":1,\"workerId\":\"w-1\",\"status\":\"EXECUTION_STATUS_SUCCEEDED\",\"source\":\"c-1\","
            + "\"labels\":{\"team\":\"ops\",\"env\":\"prod\"}}");
  }

  @Test
  void anEmptyEventIsAnEmptyObject() {
    assertThat(text(LifecycleJson.write(LifecycleEvent.getDefaultInstance()))).isEqualTo("{}");
  }

  @Test
  void randomEventsAreWrittenByteForByteAsThePrinterWritesThem() throws Exception {
    Random random = new Random(20261201);
    for (int i = 0; i < 5_000; i++) {
      LifecycleEvent e = randomEvent(random);
      byte[] fast = LifecycleJson.write(e);
      assertThat(text(fast)).as("event %s", e).isEqualTo(text(LifecycleJson.printed(e)));
      assertThat(LifecycleJson.read(fast)).isEqualTo(e);
    }
  }

  @Test
  void longValuesAndLoneSurrogatesAreWrittenAsThePrinterWritesThem() {
    String longAscii = "a".repeat(1_000);
    String longMixed = "é=漢\"".repeat(300);
    LifecycleEvent e = LifecycleEvent.newBuilder().setEventId(longAscii).setReason(longMixed).setHandler("lone \uD800 high")
        .setTaskId("lone \uDC00 low").putLabels(longAscii, longMixed).putLabels("k", "\uDBFF").build();
    assertThat(LifecycleJson.write(e)).isEqualTo(LifecycleJson.printed(e));
  }

  @Test
  void timesAtTheEdgesOfTheRangeAndOutsideItMatchThePrinter() {
    long[] seconds = {-62_135_596_800L, 253_402_300_799L, 0, -1, 951_782_400L /* 2000-02-29 */, -12_219_292_800L /* 1582-10-15 */,
        -12_219_379_200L /* 1582-10-14 proleptic */};
    int[] nanos = {0, 1, 999_999_999, 1_000, 1_000_000, 120_000, 7};
    for (long s : seconds) {
      for (int n : nanos) {
        LifecycleEvent e = LifecycleEvent.newBuilder().setTime(Timestamp.newBuilder().setSeconds(s).setNanos(n)).build();
        assertThat(text(LifecycleJson.write(e))).isEqualTo(text(LifecycleJson.printed(e)));
      }
    }
  }

  @Test
  void unknownEnumNumbersArePrintedAsNumbers() {
    LifecycleEvent e = LifecycleEvent.newBuilder().setKindValue(999).setStatusValue(77).build();
    assertThat(text(LifecycleJson.write(e))).isEqualTo(text(LifecycleJson.printed(e))).isEqualTo("{\"kind\":999,\"status\":77}");
  }

  private static LifecycleEvent randomEvent(Random r) {
    LifecycleEvent.Builder b = LifecycleEvent.newBuilder();
    if (r.nextBoolean()) b.setEventId(randomString(r));
    if (r.nextInt(4) > 0) {
      long s = r.nextInt(3) == 0 ? r.nextLong(-62_135_596_800L, 253_402_300_800L) : 1_700_000_000L + r.nextInt(200_000_000);
      int n = switch (r.nextInt(4)) {
        case 0 -> 0;
        case 1 -> r.nextInt(1000) * 1_000_000;
        case 2 -> r.nextInt(1_000_000) * 1_000;
        default -> r.nextInt(1_000_000_000);
      };
      b.setTime(Timestamp.newBuilder().setSeconds(s).setNanos(n));
    }
    if (r.nextInt(5) > 0) b.setKindValue(LifecycleEventKind.values()[r.nextInt(LifecycleEventKind.values().length - 1)].getNumber());
    if (r.nextBoolean()) b.setTaskId(randomString(r));
    if (r.nextBoolean()) b.setExecutionId(randomString(r));
    if (r.nextBoolean()) b.setHandler(randomString(r));
    if (r.nextBoolean()) b.setAttempt(r.nextInt(3) == 0 ? r.nextInt() : r.nextInt(10));
    if (r.nextBoolean()) b.setWorkerId(randomString(r));
    if (r.nextInt(5) > 0) b.setStatusValue(ExecutionStatus.values()[r.nextInt(ExecutionStatus.values().length - 1)].getNumber());
    if (r.nextBoolean()) b.setReason(randomString(r));
    if (r.nextBoolean()) b.setSource(randomString(r));
    for (int i = r.nextInt(4); i > 0; i--) b.putLabels(randomString(r), randomString(r));
    return b.build();
  }

  private static String randomString(Random r) {
    StringBuilder s = new StringBuilder();
    for (int i = r.nextInt(12); i > 0; i--) {
      switch (r.nextInt(4)) {
        case 0 -> s.appendCodePoint(TRICKY.codePoints().toArray()[r.nextInt((int) TRICKY.codePoints().count())]);
        case 1 -> s.appendCodePoint(r.nextInt(0x20, 0xD800));
        default -> s.append((char) r.nextInt('a', 'z' + 1));
      }
    }
    return s.toString();
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
