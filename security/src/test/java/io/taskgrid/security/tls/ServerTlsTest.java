package io.taskgrid.security.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.taskgrid.core.config.ConfigException;
import io.taskgrid.security.ClientAuth;
import io.taskgrid.security.MutableClock;
import io.taskgrid.security.Role;
import io.taskgrid.security.auth.AccessRule;
import io.taskgrid.security.auth.AuthInterceptor;
import io.taskgrid.security.auth.Authenticator;
import io.taskgrid.security.auth.Echo;
import io.taskgrid.security.auth.Identities;
import io.taskgrid.security.auth.IdentitiesFile;
import io.taskgrid.security.internal.Reloading;
import io.taskgrid.security.testing.TestCertificates;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerTlsTest {
  @TempDir Path dir;

  @Test
  void servesTheCertificateAndServesTheNewOneAfterTheFilesAreReplaced() throws Exception {
    TestCertificates ca = TestCertificates.authority(dir, "ca");
    TestCertificates.Issued first = ca.server("first");
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    Files.copy(first.chain(), cert);
    Files.copy(first.privateKey(), key);
    MutableClock clock = new MutableClock();
    ServerTls tls = ServerTls.load(cert, key, Optional.empty(), ClientAuth.NONE, clock);
    assertThat(handshake(tls.sslContext(), ca)).isEqualTo("CN=first");

    TestCertificates.Issued second = ca.server("second");
    Files.copy(second.chain(), cert, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(second.privateKey(), key, StandardCopyOption.REPLACE_EXISTING);
    assertThat(handshake(tls.sslContext(), ca)).as("not looked at again within the second").isEqualTo("CN=first");
    clock.advance(Duration.ofSeconds(2));
    assertThat(handshake(tls.sslContext(), ca)).isEqualTo("CN=second");
    assertThat(tls.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=second");
  }

  @Test
  void aFailedReloadKeepsThePreviousPair() throws Exception {
    TestCertificates ca = TestCertificates.authority(dir, "ca");
    TestCertificates.Issued first = ca.server("first");
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    Files.copy(first.chain(), cert);
    Files.copy(first.privateKey(), key);
    MutableClock clock = new MutableClock();
    ServerTls tls = ServerTls.load(cert, key, Optional.empty(), ClientAuth.NONE, clock);

    Files.copy(ca.server("half-copied").chain(), cert, StandardCopyOption.REPLACE_EXISTING); // new certificate, old key
    clock.advance(Duration.ofSeconds(2));
    assertThat(handshake(tls.sslContext(), ca)).isEqualTo("CN=first");
    Files.writeString(key, "garbage");
    clock.advance(Duration.ofSeconds(2));
    assertThat(handshake(tls.sslContext(), ca)).isEqualTo("CN=first");
  }

  @Test
  void badFilesFailAtStartNamingTheirVariable() throws Exception {
    TestCertificates ca = TestCertificates.authority(dir, "ca");
    TestCertificates.Issued a = ca.server("a");
    TestCertificates.Issued b = ca.server("b");
    InstantSource clock = InstantSource.system();
    assertThatThrownBy(() -> ServerTls.load(dir.resolve("missing.crt"), a.privateKey(), Optional.empty(), ClientAuth.NONE, clock))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("TASKGRID_TLS_CERT file cannot be read");
    assertThatThrownBy(() -> ServerTls.load(a.certificate(), a.certificate(), Optional.empty(), ClientAuth.NONE, clock))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("TASKGRID_TLS_KEY file has no PEM private key");
    assertThatThrownBy(() -> ServerTls.load(a.certificate(), b.privateKey(), Optional.empty(), ClientAuth.NONE, clock))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("TASKGRID_TLS_KEY must be the private key of the first certificate");
    assertThatThrownBy(() -> ServerTls.load(a.certificate(), a.privateKey(), Optional.of(a.privateKey()), ClientAuth.REQUIRE, clock))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("TASKGRID_TLS_CLIENT_CA file is not a PEM certificate file");
  }

  @Test
  void readsPkcs8AndPkcs1RsaKeys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair pair = g.generateKeyPair();
    Path pkcs1 = dir.resolve("rsa-pkcs1.key");
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
      w.writeObject(pair.getPrivate());
    }
    Files.writeString(pkcs1, pem.toString());
    assertThat(pem.toString()).contains("BEGIN RSA PRIVATE KEY");
    Path pkcs8 = dir.resolve("rsa-pkcs8.key");
    Files.writeString(pkcs8, "-----BEGIN PRIVATE KEY-----\n"
        + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
    for (Path file : List.of(pkcs1, pkcs8)) assertThat(signsFor(Pem.privateKey(file), pair)).as(file.toString()).isTrue();
  }

  @Test
  void readsSec1AndPkcs8EcKeysAsOpensslWritesThem() throws Exception {
    // a throwaway key: openssl ecparam -name prime256v1 -genkey, then openssl pkcs8 -topk8 -nocrypt
    Path sec1 = dir.resolve("ec.key");
    Files.writeString(sec1, """
        -----BEGIN EC PARAMETERS-----
        BggqhkjOPQMBBw==
        -----END EC PARAMETERS-----
        -----BEGIN EC PRIVATE KEY-----
        MHcCAQEEIOyyhxinGfYTndPxiJOZavRvFdL7J9OBSbgerPCN+azjoAoGCCqGSM49
        AwEHoUQDQgAEzVFsigB2TpwryWjK3Sj+obp41+vql7ELg+brDredH27JGTb3+1so
        WKxgvS93/hhMt3h2jTjt1x1L1b1py1fF/w==
        -----END EC PRIVATE KEY-----
        """);
    Path pkcs8 = dir.resolve("ec-pkcs8.key");
    Files.writeString(pkcs8, """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg7LKHGKcZ9hOd0/GI
        k5lq9G8V0vsn04FJuB6s8I35rOOhRANCAATNUWyKAHZOnCvJaMrdKP6hunjX6+qX
        sQuD5usOt50fbskZNvf7WyhYrGC9L3f+GEy3eHaNOO3XHUvVvWnLV8X/
        -----END PRIVATE KEY-----
        """);
    var a = (java.security.interfaces.ECPrivateKey) Pem.privateKey(sec1);
    var b = (java.security.interfaces.ECPrivateKey) Pem.privateKey(pkcs8);
    assertThat(a.getS()).isEqualTo(b.getS());
    assertThat(a.getParams().getCurve()).isEqualTo(b.getParams().getCurve());
  }

  @Test
  void refusesEncryptedKeysSayingHowToConvertThem() throws Exception {
    Path enc = dir.resolve("enc.key");
    Files.writeString(enc, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n");
    assertThatThrownBy(() -> Pem.privateKey(enc)).hasMessageContaining("encrypted").hasMessageContaining("openssl pkcs8");
  }

  @Test
  void mutualTlsOverGrpcGivesTheCertificatesIdentityAndRefusesPlaintextAndCertificatelessClients() throws Exception {
    TestCertificates ca = TestCertificates.authority(dir, "ca");
    TestCertificates.Issued server = ca.server("coordinator");
    TestCertificates.Issued client = ca.client("worker-1");
    TestCertificates other = TestCertificates.authority(dir.resolve("other"), "other-ca");
    TestCertificates.Issued stranger = other.client("worker-1");
    ServerTls tls = ServerTls.load(server.chain(), server.privateKey(), Optional.of(ca.certificate()), ClientAuth.REQUIRE, InstantSource.system());
    Identities ids = IdentitiesFile.parse("certificates:\n  - {common_name: worker-1, role: worker}\n");
    var auth = new AuthInterceptor(new Authenticator(Optional.of(new Reloading<>("ids", List.of(), () -> ids, Duration.ofSeconds(1),
        InstantSource.system())), Optional.empty()), Map.of(Echo.SAY.getFullMethodName(), AccessRule.read(Role.WORKER, AccessRule.Scope.ANY)), false);
    Server s = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forAddress(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), tls.grpcCredentials())
        .addService(ServerInterceptors.intercept(Echo.service(), auth)).build().start();
    try {
      ManagedChannel mtls = Grpc.newChannelBuilderForAddress("localhost", s.getPort(), TlsChannelCredentials.newBuilder()
          .trustManager(ca.certificate().toFile()).keyManager(client.chain().toFile(), client.privateKey().toFile()).build()).build();
      assertThat(Echo.say(mtls, "hi")).isEqualTo("worker-1:worker:hi");
      mtls.shutdownNow();

      ManagedChannel plaintext = Grpc.newChannelBuilderForAddress("localhost", s.getPort(), InsecureChannelCredentials.create()).build();
      assertThatThrownBy(() -> Echo.say(plaintext, "hi")).isInstanceOfSatisfying(StatusRuntimeException.class,
          e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
      plaintext.shutdownNow();

      ManagedChannel noCert = Grpc.newChannelBuilderForAddress("localhost", s.getPort(), TlsChannelCredentials.newBuilder()
          .trustManager(ca.certificate().toFile()).build()).build();
      assertThatThrownBy(() -> Echo.say(noCert, "hi")).isInstanceOf(StatusRuntimeException.class);
      noCert.shutdownNow();

      ManagedChannel foreign = Grpc.newChannelBuilderForAddress("localhost", s.getPort(), TlsChannelCredentials.newBuilder()
          .trustManager(ca.certificate().toFile()).keyManager(stranger.chain().toFile(), stranger.privateKey().toFile()).build()).build();
      assertThatThrownBy(() -> Echo.say(foreign, "hi")).as("a certificate of an untrusted CA").isInstanceOf(StatusRuntimeException.class);
      foreign.shutdownNow();
    } finally {
      s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static boolean signsFor(PrivateKey key, KeyPair pair) throws Exception {
    String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    Signature s = Signature.getInstance(algorithm);
    s.initSign(key);
    s.update(new byte[] {1, 2, 3});
    byte[] sig = s.sign();
    Signature v = Signature.getInstance(algorithm);
    v.initVerify(pair.getPublic());
    v.update(new byte[] {1, 2, 3});
    return v.verify(sig);
  }

  /** The subject of the certificate a client trusting {@code ca} is served. */
  private static String handshake(SSLContext server, TestCertificates ca) throws Exception {
    try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread accept = Thread.ofVirtual().start(() -> {
        try (SSLSocket s = (SSLSocket) listener.accept()) {
          s.startHandshake();
          s.getOutputStream().write(1);
          s.getOutputStream().flush();
          s.getInputStream().read();
        } catch (Exception e) {
          // the client reports what went wrong
        }
      });
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.x509());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext client = SSLContext.getInstance("TLS");
      client.init(null, tmf.getTrustManagers(), null);
      try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
        s.startHandshake();
        s.getInputStream().read();
        String subject = ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        s.getOutputStream().write(1);
        return subject;
      } finally {
        accept.join(5000);
      }
    }
  }
}
