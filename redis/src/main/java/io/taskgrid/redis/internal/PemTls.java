package io.taskgrid.redis.internal;

import io.taskgrid.core.config.InfraSecurity;
import io.taskgrid.core.config.Setting;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * PEM files turned into what Redisson takes for TLS: a {@link TrustManagerFactory} of the CA
 * certificates, a {@link KeyManagerFactory} of a client certificate and its key, both from key
 * stores built in memory (nothing written to disk). Errors name the setting, never show a key.
 */
public final class PemTls {
  private static final Pattern PKCS8 = Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final char[] NO_PASSWORD = new char[0];

  private PemTls() {}

  /** Trusts the certificates in the PEM file {@code ca}, which {@code setting} names. */
  public static TrustManagerFactory trust(Setting<?> setting, Path ca) {
    List<Certificate> certs = certificates(setting, ca);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < certs.size(); i++) store.setCertificateEntry("ca-" + i, certs.get(i));
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      return tmf;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw setting.invalid("must name PEM CA certificates Java can trust (" + e.getMessage() + ")", ca);
    }
  }

  /** Presents the certificate chain in {@code cert} with the PKCS#8 key in {@code key}. */
  public static KeyManagerFactory identity(Setting<?> certSetting, Path cert, Setting<?> keySetting, Path key) {
    List<Certificate> chain = certificates(certSetting, cert);
    PrivateKey privateKey = privateKey(keySetting, key);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("client", privateKey, NO_PASSWORD, chain.toArray(Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, NO_PASSWORD);
      return kmf;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw keySetting.invalid("must be the private key of " + certSetting.name() + " (" + e.getMessage() + ")", key);
    }
  }

  private static List<Certificate> certificates(Setting<?> setting, Path file) {
    String pem = InfraSecurity.readPem(setting, file, "CERTIFICATE");
    try {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      if (certs.isEmpty()) throw setting.invalid("must name a PEM file with at least one certificate", file);
      return List.copyOf(certs);
    } catch (GeneralSecurityException e) {
      throw setting.invalid("must name PEM certificates (" + e.getMessage() + ")", file);
    }
  }

  private static PrivateKey privateKey(Setting<?> setting, Path file) {
    String pem = InfraSecurity.readPem(setting, file, "PRIVATE KEY");
    Matcher m = PKCS8.matcher(pem);
    if (!m.find()) {
      throw setting.invalid("must name an unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----; convert with openssl pkcs8 -topk8 -nocrypt)",
          file);
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      throw setting.invalid("must hold valid base64 between its PEM lines", file);
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException notThisAlgorithm) {
        // try the next
      }
    }
    throw setting.invalid("must hold an RSA, EC or EdDSA private key", file);
  }
}
