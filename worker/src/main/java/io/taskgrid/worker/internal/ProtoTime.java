package io.taskgrid.worker.internal;

import com.google.protobuf.Timestamp;
import java.time.Instant;

/** Protobuf timestamps of task messages as instants. */
final class ProtoTime {
  private ProtoTime() {}

  static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
