package io.taskgrid.wire.grpc;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import io.taskgrid.core.config.ApiClientSecurity;
import io.taskgrid.core.config.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The gRPC credentials of a process that calls coordinators (a worker, the CLI), from its {@link
 * ApiClientSecurity}: TLS with the configured trust and client certificate, and the bearer token
 * on every call. The files are read here, at start: one that cannot be read or parsed fails with a
 * {@link ConfigException} naming its variable.
 */
public final class CoordinatorCredentials {
  private CoordinatorCredentials() {}

  /**
   * Credentials for a channel to a coordinator: plaintext or TLS, composed with the bearer token
   * when there is one.
   *
   * @throws ConfigException when a PEM file or the token file cannot be read
   */
  public static ChannelCredentials of(ApiClientSecurity security) {
    ChannelCredentials transport = transport(security);
    CallCredentials call = call(security);
    return call == null ? transport : CompositeChannelCredentials.create(transport, call);
  }

  /** Plaintext, or TLS trusting {@code tlsCa} (else the JVM's trust) and presenting {@code tlsCert}. */
  static ChannelCredentials transport(ApiClientSecurity security) {
    if (!security.tls()) return InsecureChannelCredentials.create();
    TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
    if (security.tlsCa() != null) {
      try (var in = java.nio.file.Files.newInputStream(security.tlsCa())) {
        // parsed here so a bad file is named at start, not at the first connection
        if (java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
          throw new java.security.cert.CertificateException("no certificate in it");
        }
        tls.trustManager(security.tlsCa().toFile());
      } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
        throw new ConfigException(ApiClientSecurity.TLS_CA.name(), "must be a readable PEM file of CA certificates (" + reason(e) + ")",
            security.tlsCa().toString());
      }
    }
    if (security.tlsCert() != null) {
      try {
        tls.keyManager(security.tlsCert().toFile(), security.tlsKey().toFile());
      } catch (IOException | RuntimeException e) {
        throw new ConfigException(ApiClientSecurity.TLS_CERT.name(), "and TASKGRID_CLIENT_TLS_KEY must be readable PEM files of a"
            + " certificate chain and its PKCS#8 private key (" + reason(e) + ")", security.tlsCert() + ", " + security.tlsKey());
      }
    }
    ChannelCredentials credentials = tls.build();
    if (security.tlsCert() != null) {
      try {
        // the transport parses the key only when a channel builder is made: make one (and no channel)
        Grpc.newChannelBuilderForAddress("localhost", 1, credentials);
      } catch (RuntimeException e) {
        throw new ConfigException(ApiClientSecurity.TLS_CERT.name(), "and TASKGRID_CLIENT_TLS_KEY must be PEM files of a certificate"
            + " chain and its PKCS#8 private key (" + reason(e) + ")", security.tlsCert() + ", " + security.tlsKey());
      }
    }
    return credentials;
  }

  /** The bearer token on every call, or null when there is none. */
  static CallCredentials call(ApiClientSecurity security) {
    Supplier<String> token = token(security);
    return token == null ? null : new BearerToken(token);
  }

  /** The token: fixed, or read from its file (now, and again when it changes); null when none. */
  static Supplier<String> token(ApiClientSecurity security) {
    if (!security.token().isEmpty()) {
      String t = security.token();
      return () -> t;
    }
    Path file = security.tokenFile();
    if (file == null) return null;
    try {
      return new TokenFile(file);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(ApiClientSecurity.TOKEN_FILE.name(), e.getMessage(), file.toString());
    }
  }

  /** What went wrong with a file, without its content. */
  private static String reason(Exception e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String m = root.getMessage();
    return root.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }
}
