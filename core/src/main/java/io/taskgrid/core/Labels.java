package io.taskgrid.core;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Free-form labels kept with an execution: at most 64, with bounded keys and values. */
public record Labels(Map<String, String> values) {
  public static final int MAX_ENTRIES = 64;
  public static final int MAX_VALUE_LENGTH = 256;
  public static final Labels NONE = new Labels(Map.of());
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._/-]{1,63}");

  public Labels {
    if (values == null) {
      values = Map.of();
    }
    if (values.size() > MAX_ENTRIES) {
      throw new InvalidArgumentException(
          "labels", "at most " + MAX_ENTRIES + " labels are allowed, got " + values.size());
    }
    for (var e : values.entrySet()) {
      if (!KEY.matcher(e.getKey()).matches()) {
        throw new InvalidArgumentException(
            "labels",
            "key must be 1 to 63 letters, digits or . _ - /, got " + InvalidArgumentException.quote(e.getKey()));
      }
      if (e.getValue() == null || e.getValue().length() > MAX_VALUE_LENGTH) {
        throw new InvalidArgumentException(
            "labels[" + e.getKey() + "]", "value must be at most " + MAX_VALUE_LENGTH + " characters");
      }
    }
    values = java.util.Collections.unmodifiableMap(new TreeMap<>(values));
  }
}
