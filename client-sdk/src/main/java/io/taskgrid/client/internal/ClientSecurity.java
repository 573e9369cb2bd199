package io.taskgrid.client.internal;

import io.grpc.CallCredentials;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * How a client reaches secured coordinators: TLS (trusted CAs, a client certificate) and a bearer
 * token. The files are read when the client is built, so a bad one fails {@code build()}.
 *
 * @param tls whether to connect with TLS (true whenever a CA or a client certificate is given)
 * @param caPem PEM of the CAs to trust; null for the JVM's default trust
 * @param certChainPem PEM of the client certificate chain; null for none
 * @param privateKeyPem PEM (PKCS#8) of its private key; null exactly when {@code certChainPem} is
 * @param token asked for the bearer token before each call; null for none
 */
public record ClientSecurity(boolean tls, Path caPem, Path certChainPem, Path privateKeyPem, Supplier<String> token) {
  /** Plaintext, no token. */
  public static final ClientSecurity NONE = new ClientSecurity(false, null, null, null, null);

  private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** A client certificate needs its key; a CA or a client certificate means TLS. */
  public ClientSecurity {
    if ((certChainPem == null) != (privateKeyPem == null)) {
      throw new IllegalArgumentException("clientCertificate needs both the certificate chain and the private key");
    }
    tls = tls || caPem != null || certChainPem != null;
  }

  /** Whether any TLS setting is given (which a caller-supplied channel cannot take). */
  public boolean transportConfigured() {
    return tls;
  }

  /**
   * Plaintext, or TLS with the trust and client certificate given.
   *
   * @throws IllegalArgumentException naming the file that cannot be read or parsed
   */
  public ChannelCredentials channelCredentials() {
    if (!tls) return InsecureChannelCredentials.create();
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
    if (caPem != null) {
      try (InputStream in = Files.newInputStream(caPem)) {
        // parsed here, not at the first connection, so a bad file fails build()
        if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) throw new CertificateException("no certificate in it");
        b.trustManager(caPem.toFile());
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        throw new IllegalArgumentException("tls: cannot use " + caPem + " as the PEM file of trusted CA certificates (" + reason(e) + ")", e);
      }
    }
    if (certChainPem != null) {
      try {
        b.keyManager(certChainPem.toFile(), privateKeyPem.toFile());
        ChannelCredentials credentials = b.build();
        Grpc.newChannelBuilderForAddress("localhost", 1, credentials); // the transport parses the key here (no channel is built)
        return credentials;
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("clientCertificate: cannot use " + certChainPem + " and " + privateKeyPem
            + " as PEM files of a certificate chain and its PKCS#8 private key (" + reason(e) + ")", e);
      }
    }
    return b.build();
  }

  /** {@code channel} with the bearer token on every call, or {@code channel} itself without a token. */
  public Channel withToken(Channel channel) {
    if (token == null) return channel;
    CallCredentials credentials = new Bearer(token);
    return ClientInterceptors.intercept(channel, new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return next.newCall(method, options.withCallCredentials(credentials));
      }
    });
  }

  @Override
  public String toString() {
    return "ClientSecurity[tls=" + tls + ", caPem=" + caPem + ", certChainPem=" + certChainPem + ", token=" + (token == null ? "none" : "****") + "]";
  }

  private static String reason(Exception e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  /** {@code authorization: Bearer <token>}, the token asked for on the call's executor (it may read a file). */
  private static final class Bearer extends CallCredentials {
    private final Supplier<String> token;

    Bearer(Supplier<String> token) {
      this.token = token;
    }

    @Override
    public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
      executor.execute(() -> {
        String t;
        try {
          t = token.get();
        } catch (RuntimeException e) {
          applier.fail(Status.UNAUTHENTICATED.withDescription("the token supplier failed: " + e.getClass().getSimpleName()).withCause(e));
          return;
        }
        if (t == null || t.isBlank()) {
          applier.fail(Status.UNAUTHENTICATED.withDescription("the token supplier returned no token"));
          return;
        }
        t = t.strip();
        if (!t.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
          applier.fail(Status.UNAUTHENTICATED.withDescription("the token must be printable ASCII without spaces"));
          return;
        }
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + t);
        applier.apply(headers);
      });
    }
  }
}
