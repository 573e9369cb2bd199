package io.taskgrid.security.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for tests of TLS, written as PEM files the way operators get them: a CA, server
 * certificates for {@code localhost} and {@code 127.0.0.1}, client certificates with a common name.
 * Keys are EC P-256 (fast to make), private keys unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}).
 *
 * <pre>{@code
 * TestCertificates ca = TestCertificates.authority(tempDir, "test-ca");
 * TestCertificates.Issued server = ca.server("coordinator");       // CN=coordinator, SAN localhost, 127.0.0.1
 * TestCertificates.Issued worker = ca.client("worker-1");           // CN=worker-1, clientAuth
 * ca.certificate();                                                 // the CA's PEM, to trust
 * }</pre>
 */
public final class TestCertificates {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** A certificate and its private key as PEM files; {@code chain} is the certificate then the CA's. */
  public record Issued(String commonName, Path certificate, Path privateKey, Path chain, X509Certificate x509, KeyPair keys) {}

  private final Path dir;
  private final String name;
  private final KeyPair keys;
  private final X509Certificate cert;
  private final Path certificate;

  private TestCertificates(Path dir, String name, KeyPair keys, X509Certificate cert) {
    this.dir = dir;
    this.name = name;
    this.keys = keys;
    this.cert = cert;
    this.certificate = write(dir.resolve(name + ".crt"), cert);
  }

  /** A new self-signed CA whose files go into {@code dir}. */
  public static TestCertificates authority(Path dir, String name) {
    try {
      Files.createDirectories(dir);
      KeyPair keys = keyPair();
      X500Name subject = new X500Name("CN=" + name);
      Instant now = Instant.now();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minus(Duration.ofHours(1))),
          Date.from(now.plus(Duration.ofDays(30))), subject, keys.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new TestCertificates(dir, name, keys, sign(b, keys));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The CA certificate's PEM file (what clients and servers trust). */
  public Path certificate() {
    return certificate;
  }

  public X509Certificate x509() {
    return cert;
  }

  /** A server certificate for {@code localhost} and {@code 127.0.0.1}, valid from an hour ago for 30 days. */
  public Issued server(String commonName) {
    return issue(commonName, List.of("localhost"), List.of("127.0.0.1"), true, Instant.now().minus(Duration.ofHours(1)),
        Instant.now().plus(Duration.ofDays(30)), "-" + SERIAL.incrementAndGet());
  }

  /** A client certificate with {@code CN=commonName}. */
  public Issued client(String commonName) {
    return issue(commonName, List.of(), List.of(), false, Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(30)),
        "-" + SERIAL.incrementAndGet());
  }

  /** A client certificate valid only between {@code from} and {@code until} (an expired one, say). */
  public Issued client(String commonName, Instant from, Instant until) {
    return issue(commonName, List.of(), List.of(), false, from, until, "-" + SERIAL.incrementAndGet());
  }

  /**
   * A certificate for {@code dnsNames} and {@code ipAddresses}, for servers ({@code server}: serverAuth
   * and clientAuth) or clients (clientAuth), written as {@code <commonName><suffix>.crt|.key|-chain.crt}.
   */
  public Issued issue(String commonName, List<String> dnsNames, List<String> ipAddresses, boolean server, Instant from, Instant until,
      String suffix) {
    try {
      KeyPair leaf = keyPair();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(cert, serial(), Date.from(from), Date.from(until),
          new X500Name("CN=" + commonName), leaf.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      b.addExtension(Extension.extendedKeyUsage, false, server
          ? new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth})
          : new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(cert));
      List<GeneralName> names = new ArrayList<>();
      dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
      ipAddresses.forEach(n -> names.add(new GeneralName(GeneralName.iPAddress, n)));
      if (!names.isEmpty()) b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
      X509Certificate issued = sign(b, keys);
      String base = commonName.replaceAll("[^A-Za-z0-9._-]", "_") + suffix;
      Path certFile = write(dir.resolve(base + ".crt"), issued);
      Path chain = write(dir.resolve(base + "-chain.crt"), issued, cert);
      Path keyFile = dir.resolve(base + ".key");
      StringWriter pem = new StringWriter();
      try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
        w.writeObject(new JcaPKCS8Generator(leaf.getPrivate(), null));
      }
      Files.writeString(keyFile, pem.toString());
      return new Issued(commonName, certFile, keyFile, chain, issued, leaf);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "TestCertificates[" + name + " in " + dir + "]";
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIAL.incrementAndGet());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer)
      throws GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException {
    ContentSigner s = new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(b.build(s));
  }

  private static Path write(Path file, X509Certificate... certs) {
    try {
      StringWriter pem = new StringWriter();
      try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
        for (X509Certificate c : certs) w.writeObject(c);
      }
      Files.writeString(file, pem.toString());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
