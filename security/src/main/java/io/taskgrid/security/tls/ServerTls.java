package io.taskgrid.security.tls;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.taskgrid.core.config.ConfigException;
import io.taskgrid.security.ApiSecurity;
import io.taskgrid.security.ClientAuth;
import io.taskgrid.security.internal.Reloading;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS of a coordinator's ports: its certificate chain and private key from PEM files, and, for
 * mutual TLS, the CAs whose client certificates it trusts. The files are read again when they
 * change (looked at at most once a second); a new connection then gets the new certificate, and
 * connections already open keep theirs. A reload that fails (a half-copied pair, a key that does
 * not match) keeps the previous files' pair and logs a warning.
 *
 * <p>One instance serves both ports: {@link #grpcCredentials()} for gRPC, {@link #sslContext()}
 * for the JDK's HTTPS server (which sets {@link #clientAuth()} on its parameters itself).
 */
public final class ServerTls {
  /** How often the files are looked at, at most. */
  public static final Duration RELOAD_INTERVAL = Duration.ofSeconds(1);

  /** A certificate chain and the private key of its first certificate. */
  record KeyPairFiles(List<X509Certificate> chain, PrivateKey key) {}

  private final ReloadingKeyManager keyManager;
  private final ReloadingTrustManager trustManager; // null without a client CA
  private final ClientAuth clientAuth;
  private final SSLContext sslContext;

  private ServerTls(ReloadingKeyManager keyManager, ReloadingTrustManager trustManager, ClientAuth clientAuth) {
    this.keyManager = keyManager;
    this.trustManager = trustManager;
    this.clientAuth = clientAuth;
    try {
      sslContext = SSLContext.getInstance("TLS");
      sslContext.init(new javax.net.ssl.KeyManager[] {keyManager}, trustManager == null ? null : new TrustManager[] {trustManager}, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK offers no TLS", e);
    }
  }

  /**
   * Reads the files now (a bad one fails here, naming its variable) and keeps watching them.
   *
   * @param certificate PEM certificate chain, the server's first ({@code TASKGRID_TLS_CERT})
   * @param privateKey PEM private key of that certificate ({@code TASKGRID_TLS_KEY})
   * @param clientCa PEM CAs that sign trusted client certificates ({@code TASKGRID_TLS_CLIENT_CA}), or empty
   * @param clientAuth whether to ask for client certificates; {@link ClientAuth#NONE} without a CA
   * @param clock what "at most once a second" is measured with
   */
  public static ServerTls load(Path certificate, Path privateKey, Optional<Path> clientCa, ClientAuth clientAuth, InstantSource clock) {
    Reloading<KeyPairFiles> pair = new Reloading<>("the TLS certificate and key", List.of(certificate, privateKey),
        () -> readPair(certificate, privateKey), RELOAD_INTERVAL, clock);
    ReloadingTrustManager trust = clientCa.map(ca -> new ReloadingTrustManager(
        new Reloading<>("the trusted client CAs", List.of(ca), () -> readTrust(ca), RELOAD_INTERVAL, clock))).orElse(null);
    return new ServerTls(new ReloadingKeyManager(pair), trust, trust == null ? ClientAuth.NONE : clientAuth);
  }

  /** For the JDK's {@code HttpsServer} (and any other JSSE server): serves the current certificate. */
  public SSLContext sslContext() {
    return sslContext;
  }

  /** For {@code Grpc.newServerBuilderForPort(port, credentials)}. */
  public ServerCredentials grpcCredentials() {
    TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder().keyManager(keyManager);
    if (trustManager != null) b.trustManager(trustManager);
    b.clientAuth(switch (clientAuth) {
      case NONE -> TlsServerCredentials.ClientAuth.NONE;
      case OPTIONAL -> TlsServerCredentials.ClientAuth.OPTIONAL;
      case REQUIRE -> TlsServerCredentials.ClientAuth.REQUIRE;
    });
    return b.build();
  }

  /** Whether clients are asked for a certificate: {@link ClientAuth#NONE} when no client CA is configured. */
  public ClientAuth clientAuth() {
    return clientAuth;
  }

  /** The certificate new connections are served now (after any reload due). */
  public X509Certificate certificate() {
    return keyManager.current().chain()[0];
  }

  @Override
  public String toString() {
    return "ServerTls[" + certificate().getSubjectX500Principal().getName() + ", client auth " + clientAuth.label() + "]";
  }

  private static KeyPairFiles readPair(Path certificate, Path privateKey) {
    List<X509Certificate> chain = file(ApiSecurity.TLS_CERT.name(), certificate, () -> Pem.certificates(certificate));
    PrivateKey key = file(ApiSecurity.TLS_KEY.name(), privateKey, () -> Pem.privateKey(privateKey));
    if (!belongTogether(chain.get(0), key)) {
      throw new ConfigException(ApiSecurity.TLS_KEY.name(), "must be the private key of the first certificate in " + ApiSecurity.TLS_CERT.name(),
          privateKey.toString());
    }
    return new KeyPairFiles(chain, key);
  }

  private static X509ExtendedTrustManager readTrust(Path ca) {
    List<X509Certificate> cas = file(ApiSecurity.TLS_CLIENT_CA.name(), ca, () -> Pem.certificates(ca));
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < cas.size(); i++) store.setCertificateEntry("ca-" + i, cas.get(i));
      TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init(store);
      for (TrustManager tm : f.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x) return x;
      }
      throw new IllegalStateException("the JDK offers no X.509 trust manager");
    } catch (java.io.IOException | GeneralSecurityException e) {
      throw new ConfigException(ApiSecurity.TLS_CLIENT_CA.name(), "must hold CA certificates (" + e.getMessage() + ")", ca.toString());
    }
  }

  /** Whether {@code key} signs what the certificate's public key verifies. */
  private static boolean belongTogether(X509Certificate cert, PrivateKey key) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null) return true; // e.g. RSASSA-PSS: the handshake will tell
    try {
      byte[] probe = "taskgrid".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(algorithm);
      s.initSign(key);
      s.update(probe);
      byte[] signed = s.sign();
      Signature v = Signature.getInstance(algorithm);
      v.initVerify(cert.getPublicKey());
      v.update(probe);
      return v.verify(signed);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static <T> T file(String variable, Path path, java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (ConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(variable, "file " + e.getMessage(), path.toString());
    }
  }
}
