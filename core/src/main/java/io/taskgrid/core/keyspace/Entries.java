package io.taskgrid.core.keyspace;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The encoding of execution entries that Redis scripts write and Java reads: the messages on the
 * {@link Keyspace#changes()} channel and the replies of batched reads. One entry is an execution
 * id, a status ({@code ""} when the execution does not exist), and optionally the fields of its
 * hash. Every item is a length-prefixed string, {@code <byte length>:<bytes>}, so any byte may
 * appear in a value and parsing never scans for delimiters:
 *
 * <pre>
 * entry  := item(executionId) item(status) item(fieldCount) (item(field) item(value)){fieldCount}
 * item   := decimal byte length ":" bytes
 * </pre>
 *
 * A message or reply is zero or more entries back to back. One publish per batch of changes
 * (instead of one per execution) and one bulk string per batched read keep Redis and its client
 * cheap at thousands of executions a second.
 */
public final class Entries {
  /**
   * Lua functions that build entries inside a script: {@code tg_entry(id, status, fields)}
   * returns one entry, {@code fields} being a flat HGETALL-style array or nil.
   */
  public static final String LUA =
      """
      local function tg_item(s) s = tostring(s) return #s .. ':' .. s end
      local function tg_entry(id, status, fields)
        local parts = {tg_item(id), tg_item(status)}
        if fields then
          parts[3] = tg_item(#fields / 2)
          for j = 1, #fields do parts[j + 3] = tg_item(fields[j]) end
        else
          parts[3] = '1:0'
        end
        return table.concat(parts)
      end
      """;

  /** One decoded entry; {@code status} is empty when the execution does not exist. */
  public record Entry(String executionId, String status, Map<String, String> fields) {
    /** True when the execution exists. */
    public boolean exists() {
      return !status.isEmpty();
    }

    /** True when the entry carries the execution's fields. */
    public boolean hasFields() {
      return !fields.isEmpty();
    }
  }

  private Entries() {}

  /**
   * Decodes a message or reply.
   *
   * @throws IllegalArgumentException when {@code data} is not a sequence of entries
   */
  public static List<Entry> parse(byte[] data) {
    List<Entry> out = new ArrayList<>();
    int[] pos = {0};
    while (pos[0] < data.length) {
      String id = item(data, pos);
      String status = item(data, pos);
      int count = Integer.parseInt(item(data, pos));
      if (count < 0) throw new IllegalArgumentException("negative field count at byte " + pos[0]);
      Map<String, String> fields = count == 0 ? Map.of() : new HashMap<>(count * 2);
      for (int i = 0; i < count; i++) {
        String field = item(data, pos);
        fields.put(field, item(data, pos));
      }
      out.add(new Entry(id, status, fields));
    }
    return out;
  }

  /** Encodes entries as the Lua functions do; for tests and for writers outside Lua. */
  public static byte[] encode(List<Entry> entries) {
    Packed out = new Packed();
    for (Entry e : entries) {
      out.add(e.executionId()).add(e.status()).add(e.fields().size());
      e.fields().forEach((k, v) -> out.add(k).add(v));
    }
    return out.toByteArray();
  }

  static String item(byte[] data, int[] pos) {
    int p = pos[0];
    int len = 0;
    int digits = 0;
    while (p < data.length && data[p] != ':') {
      int d = data[p] - '0';
      if (d < 0 || d > 9 || ++digits > 9) throw new IllegalArgumentException("bad length at byte " + pos[0]);
      len = len * 10 + d;
      p++;
    }
    if (p >= data.length || digits == 0) throw new IllegalArgumentException("truncated entry at byte " + pos[0]);
    p++; // ':'
    if (len > data.length - p) throw new IllegalArgumentException("item of " + len + " bytes overruns the data at byte " + pos[0]);
    pos[0] = p + len;
    return new String(data, p, len, StandardCharsets.UTF_8);
  }
}
