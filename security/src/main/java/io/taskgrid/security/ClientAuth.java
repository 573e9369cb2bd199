package io.taskgrid.security;

import java.util.Locale;

/** Whether a TLS port asks clients for a certificate ({@code TASKGRID_TLS_CLIENT_AUTH}). */
public enum ClientAuth {
  /** Asks for none: clients authenticate with a bearer token, if at all. */
  NONE,
  /** Asks for one and verifies it when given; a client without one may still use a token. */
  OPTIONAL,
  /** Refuses the handshake of a client without a certificate signed by a trusted CA. */
  REQUIRE;

  /** The name in configuration: {@code none}, {@code optional}, {@code require}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The mode named {@code label} (any case). */
  public static ClientAuth parse(String label) {
    try {
      return valueOf(label.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("must be none, optional or require");
    }
  }
}
