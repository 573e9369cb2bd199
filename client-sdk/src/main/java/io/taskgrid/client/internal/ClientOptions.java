package io.taskgrid.client.internal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The settings of a client, checked once when it is built.
 *
 * @param coordinators {@code host:port} of each coordinator; empty when the caller supplies a channel
 * @param defaultDeadline deadline of reads ({@code get}, and list, get and preview of tasks), retries included
 * @param submitDeadline deadline of submissions and of changes to tasks and events, retries included
 * @param maxInboundMessageSize largest message accepted from a coordinator, in bytes
 */
public record ClientOptions(List<String> coordinators, Duration defaultDeadline, Duration submitDeadline, int maxInboundMessageSize) {
  /** Deadline of reads unless configured. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);
  /** Deadline of submissions unless configured: they wait for Kafka to acknowledge. */
  public static final Duration DEFAULT_SUBMIT_DEADLINE = Duration.ofSeconds(30);
  /** Largest inbound message unless configured: a result is at most 1 MiB by default, so 16 MiB is ample. */
  public static final int DEFAULT_MAX_INBOUND_MESSAGE_SIZE = 16 * 1024 * 1024;

  private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[^:\\s\\[\\]]+):(\\d{1,5})");

  /** Rejects malformed addresses, non-positive deadlines and a message size under 1 KiB. */
  public ClientOptions {
    coordinators = List.copyOf(Objects.requireNonNull(coordinators, "coordinators"));
    for (String a : coordinators) {
      var m = HOST_PORT.matcher(a);
      if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65535) {
        throw new IllegalArgumentException("coordinator address must be host:port, got \"" + a + "\"");
      }
    }
    positive("defaultDeadline", defaultDeadline);
    positive("submitDeadline", submitDeadline);
    if (maxInboundMessageSize < 1024) {
      throw new IllegalArgumentException("maxInboundMessageSize must be at least 1024 bytes, got " + maxInboundMessageSize);
    }
  }

  private static void positive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive, got " + d);
  }

  /** The host of a {@code host:port} address, without IPv6 brackets. */
  static String host(String address) {
    String host = address.substring(0, address.lastIndexOf(':'));
    return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
  }

  /** The port of a {@code host:port} address. */
  static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }
}
