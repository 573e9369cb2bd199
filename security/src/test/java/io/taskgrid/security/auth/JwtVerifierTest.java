package io.taskgrid.security.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.taskgrid.security.Identity;
import io.taskgrid.security.Role;
import io.taskgrid.security.internal.Reloading;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtVerifierTest {
  static final String ISSUER = "https://idp.example.com/";
  static final String AUDIENCE = "taskgrid";
  static RSAKey rsa;
  static ECKey ec;
  static RSAKey stranger; // same key id as rsa, not in the JWKS
  @TempDir static Path dir;
  static Path jwks;
  static JwtVerifier verifier;

  @BeforeAll
  static void keys() throws Exception {
    rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, new JWKSet(List.of(rsa, ec)).toString(false)); // private parts too: the verifier keeps only public ones
    verifier = new JwtVerifier(new Reloading<>("keys", List.of(jwks), () -> JwtVerifier.readKeys(jwks), Duration.ofSeconds(1),
        java.time.InstantSource.system()), ISSUER, AUDIENCE, new JwtVerifier.Claims("taskgrid_role", "taskgrid_handlers", "taskgrid_task_prefixes"));
  }

  static JWTClaimsSet.Builder claims() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder().subject("alice").issuer(ISSUER).audience(List.of(AUDIENCE, "other"))
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(5)))).claim("taskgrid_role", "operator");
  }

  static String rs256(JWTClaimsSet claims, RSAKey key) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  static String rs256(Consumer<JWTClaimsSet.Builder> change) throws Exception {
    JWTClaimsSet.Builder b = claims();
    change.accept(b);
    return rs256(b.build(), rsa);
  }

  @Test
  void acceptsAGoodRs256TokenAndReadsTheIdentity() throws Exception {
    String token = rs256(b -> b.claim("taskgrid_handlers", List.of("email.send")).claim("taskgrid_task_prefixes", List.of("billing.")));
    assertThat(JwtVerifier.looksLikeJwt(token)).isTrue();
    assertThat(verifier.verify(token)).isEqualTo(new Identity("alice", Role.OPERATOR, List.of("email.send"), List.of("billing."), "jwt"));
  }

  @Test
  void acceptsAGoodEs256Token() throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec-1").build(), claims().claim("taskgrid_role", "viewer").build());
    jwt.sign(new ECDSASigner(ec));
    assertThat(verifier.verify(jwt.serialize()).role()).isEqualTo(Role.VIEWER);
  }

  @Test
  void refusesAnExpiredToken() throws Exception {
    Instant past = Instant.now().minus(Duration.ofHours(1));
    String token = rs256(b -> b.issueTime(Date.from(past.minusSeconds(60))).expirationTime(Date.from(past)));
    assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(AuthenticationException.class).hasMessageContaining("Expired JWT");
  }

  @Test
  void toleratesSmallClockSkewOnExpiry() throws Exception {
    String token = rs256(b -> b.expirationTime(Date.from(Instant.now().minusSeconds(5))));
    assertThat(verifier.verify(token).name()).isEqualTo("alice");
  }

  @Test
  void refusesATokenNotYetValid() throws Exception {
    String token = rs256(b -> b.notBeforeTime(Date.from(Instant.now().plus(Duration.ofMinutes(10)))));
    assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(AuthenticationException.class).hasMessageContaining("before use time");
  }

  @Test
  void refusesTheWrongIssuerOrAudience() throws Exception {
    String issuer = rs256(b -> b.issuer("https://evil.example.com/"));
    assertThatThrownBy(() -> verifier.verify(issuer)).isInstanceOf(AuthenticationException.class).hasMessageContaining("iss");
    String audience = rs256(b -> b.audience("someone-else"));
    assertThatThrownBy(() -> verifier.verify(audience)).isInstanceOf(AuthenticationException.class).hasMessageContaining("aud");
  }

  @Test
  void refusesAForgedSignature() throws Exception {
    String forged = rs256(claims().claim("taskgrid_role", "admin").build(), stranger);
    assertThatThrownBy(() -> verifier.verify(forged)).isInstanceOf(AuthenticationException.class).hasMessageContaining("JWT refused");
    String good = rs256(b -> { });
    String[] parts = good.split("\\.");
    String tampered = parts[0] + "." + rs256(claims().claim("taskgrid_role", "admin").build(), stranger).split("\\.")[1] + "." + parts[2];
    assertThatThrownBy(() -> verifier.verify(tampered)).isInstanceOf(AuthenticationException.class);
  }

  @Test
  void refusesUnsignedAndHmacTokens() throws Exception {
    String none = new PlainJWT(claims().claim("taskgrid_role", "admin").build()).serialize();
    assertThatThrownBy(() -> verifier.verify(none)).isInstanceOf(AuthenticationException.class).hasMessageContaining("alg none");
    SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims().build());
    hmac.sign(new MACSigner(rsa.toRSAPublicKey().getModulus().toByteArray())); // the public key as an HMAC secret: the classic confusion
    assertThatThrownBy(() -> verifier.verify(hmac.serialize())).isInstanceOf(AuthenticationException.class);
  }

  @Test
  void refusesATokenWithoutARoleOrWithAnUnknownOne() throws Exception {
    String noRole = rs256(b -> b.claim("taskgrid_role", null));
    assertThatThrownBy(() -> verifier.verify(noRole)).hasMessageContaining("no taskgrid_role claim");
    String badRole = rs256(b -> b.claim("taskgrid_role", "root"));
    assertThatThrownBy(() -> verifier.verify(badRole)).hasMessageContaining("taskgrid_role must be one of");
  }

  @Test
  void refusesGarbageWithoutEchoingIt() {
    assertThatThrownBy(() -> verifier.verify("eyJhbGciOi.secretstuff.x")).hasMessage("malformed JWT");
  }
}
