package io.taskgrid.security;

import io.grpc.Metadata;

/** The gRPC headers that carry credentials. */
public final class AuthMetadata {
  private AuthMetadata() {}

  /** {@code authorization: Bearer <token>}: an API key or a JWT. */
  public static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /**
   * The DER bytes of the client certificate an HTTPS request presented (already verified by the
   * HTTPS port), forwarded by the coordinator's HTTP API and dashboard to its in-process TaskService.
   * Honoured only on that in-process server; the gRPC port drops it.
   */
  public static final Metadata.Key<byte[]> FORWARDED_CLIENT_CERTIFICATE =
      Metadata.Key.of("taskgrid-forwarded-client-certificate-bin", Metadata.BINARY_BYTE_MARSHALLER);

  /** The {@code Bearer} value of an {@code authorization} header, or null when it has none. */
  public static String bearer(String authorization) {
    if (authorization == null) return null;
    String v = authorization.trim();
    if (v.length() < 7 || !v.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
    String token = v.substring(7).trim();
    return token.isEmpty() ? null : token;
  }
}
