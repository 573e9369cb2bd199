package io.taskgrid.core.keyspace;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Many strings packed into one Redis argument, each as {@code <byte length>:<bytes>} (the item
 * format of {@link Entries}). A script over a batch receives its data as one packed argument
 * instead of thousands of arguments, which the Redis client would encode and buffer one by one;
 * {@link #LUA} unpacks it inside the script.
 */
public final class Packed {
  /** Lua: {@code tg_unpack(s)} returns the items of a packed string as an array. */
  public static final String LUA =
      """
      local function tg_unpack(s)
        local t, p, n = {}, 1, #s
        while p <= n do
          local c = string.find(s, ':', p, true)
          local len = tonumber(string.sub(s, p, c - 1))
          t[#t + 1] = string.sub(s, c + 1, c + len)
          p = c + len + 1
        end
        return t
      end
      """;

  private final StringBuilder out;

  public Packed() {
    this(256);
  }

  public Packed(int expectedChars) {
    this.out = new StringBuilder(expectedChars);
  }

  /** Appends one string. */
  public Packed add(String s) {
    out.append(utf8Length(s)).append(':').append(s);
    return this;
  }

  /** Appends a number. */
  public Packed add(long n) {
    return add(Long.toString(n));
  }

  /** The packed text, to send as one argument (Redis receives it as UTF-8, the lengths count those bytes). */
  @Override
  public String toString() {
    return out.toString();
  }

  /** The packed bytes, as UTF-8. */
  public byte[] toByteArray() {
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Splits packed bytes into their strings.
   *
   * @throws IllegalArgumentException when {@code data} is not packed strings
   */
  public static List<String> parse(byte[] data) {
    List<String> items = new ArrayList<>();
    int[] pos = {0};
    while (pos[0] < data.length) items.add(Entries.item(data, pos));
    return items;
  }

  /** The UTF-8 byte length of {@code s}, without encoding it. */
  static int utf8Length(String s) {
    int n = s.length();
    int bytes = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          bytes += 1;
        } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          bytes += 2; // 4 bytes for the pair of chars
          i++;
        } else if (!Character.isSurrogate(c)) {
          bytes += 2;
        } // a lone surrogate is sent as '?', one byte, by Java's and Netty's UTF-8 encoders alike
      }
    }
    return bytes;
  }
}
