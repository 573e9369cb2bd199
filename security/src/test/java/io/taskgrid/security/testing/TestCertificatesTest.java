package io.taskgrid.security.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCertificatesTest {
  @Test
  void issuesPemFilesThatTheJdkReadsAndThatChainToTheAuthority(@TempDir Path dir) throws Exception {
    TestCertificates ca = TestCertificates.authority(dir, "ca");
    TestCertificates.Issued server = ca.server("coordinator");

    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<X509Certificate> chain;
    try (InputStream in = Files.newInputStream(server.chain())) {
      chain = cf.generateCertificates(in).stream().map(X509Certificate.class::cast).toList();
    }
    assertThat(chain).hasSize(2);
    chain.get(0).verify(ca.x509().getPublicKey());
    assertThat(chain.get(0).getSubjectX500Principal().getName()).isEqualTo("CN=coordinator");
    assertThat(chain.get(0).getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1)))).contains("localhost", "127.0.0.1");
    assertThat(Files.readString(server.privateKey())).startsWith("-----BEGIN PRIVATE KEY-----");
  }
}
