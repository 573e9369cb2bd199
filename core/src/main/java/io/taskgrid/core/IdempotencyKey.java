package io.taskgrid.core;

import java.util.regex.Pattern;

/** A client's key that makes a submission safe to repeat: 1 to 128 printable ASCII characters. */
public record IdempotencyKey(String value) {
  private static final Pattern SHAPE = Pattern.compile("[!-~]{1,128}");

  public IdempotencyKey {
    if (value == null || !SHAPE.matcher(value).matches()) {
      throw new InvalidArgumentException(
          "idempotency_key",
          "must be 1 to 128 printable ASCII characters without spaces, got " + InvalidArgumentException.quote(value));
    }
  }
}
