package io.taskgrid.wire.lifecycle;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.taskgrid.proto.v1.LifecycleEvent;
import java.nio.charset.StandardCharsets;

/**
 * The lifecycle topic's value format: protobuf's JSON mapping of {@link LifecycleEvent}, on one
 * line, fields at their default left out, so any consumer reads it without generated code.
 */
public final class LifecycleJson {
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private LifecycleJson() {}

  public static byte[] write(LifecycleEvent event) {
    try {
      return PRINTER.print(event).getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print a lifecycle event", e); // only Any fields fail, and it has none
    }
  }

  /** Reads one value; fields a newer writer added are ignored. */
  public static LifecycleEvent read(byte[] json) throws InvalidProtocolBufferException {
    LifecycleEvent.Builder b = LifecycleEvent.newBuilder();
    PARSER.merge(new String(json, StandardCharsets.UTF_8), b);
    return b.build();
  }
}
