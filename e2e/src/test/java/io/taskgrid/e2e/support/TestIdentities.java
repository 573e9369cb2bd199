package io.taskgrid.e2e.support;

import io.taskgrid.security.auth.ApiKeys;
import io.taskgrid.security.testing.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.UUID;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** What a secured coordinator in a test trusts: API keys (made here, unique per test) and client certificates' names, as an identities file. */
public final class TestIdentities {
  private final StringBuilder keys = new StringBuilder("api_keys:\n");
  private final StringBuilder certs = new StringBuilder("certificates:\n");
  private boolean anyCert;

  /** A new API key of {@code name} with {@code role}, returned (only its hash goes in the file). */
  public String key(String name, String role) {
    String key = "tgk_" + name + "_" + UUID.randomUUID().toString().replace("-", "");
    keys.append("  - name: ").append(name).append("\n    key_hash: ").append(ApiKeys.hash(key)).append("\n    role: ").append(role).append('\n');
    return key;
  }

  /** Client certificates with {@code CN=commonName} are {@code role}. */
  public TestIdentities certificate(String commonName, String role) {
    certs.append("  - common_name: ").append(commonName).append("\n    role: ").append(role).append('\n');
    anyCert = true;
    return this;
  }

  /** Writes the identities file into {@code dir}. */
  public Path write(Path dir) {
    try {
      Path file = dir.resolve("identities.yaml");
      Files.writeString(file, keys + (anyCert ? certs.toString() : ""));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A client's TLS context: trusts {@code ca}, and presents {@code own} when not null. */
  public static SSLContext clientContext(TestCertificates ca, TestCertificates.Issued own) {
    try {
      char[] password = "unused".toCharArray();
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(null, null);
      if (own != null) keyStore.setKeyEntry("own", own.keys().getPrivate(), password, new Certificate[] {own.x509()});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keyStore, password);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.x509());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException("cannot build a TLS context for the test", e);
    }
  }
}
