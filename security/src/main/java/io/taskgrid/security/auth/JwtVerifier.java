package io.taskgrid.security.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.taskgrid.security.Identity;
import io.taskgrid.security.Role;
import io.taskgrid.security.internal.Reloading;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Verifies JWTs from an identity provider: signature (RS256 or ES256) with a key of the JWKS file,
 * {@code exp} and {@code nbf} with {@value #CLOCK_SKEW_SECONDS}s of clock skew, {@code iss} and
 * {@code aud}; then reads the identity: {@code sub} is its name, the role claim its role, and two
 * optional list claims its allow-lists. Unsigned tokens ({@code alg: none}) and HMAC ones are refused.
 */
public final class JwtVerifier {
  /** How far clocks may disagree about {@code exp} and {@code nbf}. */
  public static final int CLOCK_SKEW_SECONDS = 30;
  private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

  /** Which claims carry the role and the allow-lists. */
  public record Claims(String role, String handlers, String taskPrefixes) {}

  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
  private final Claims claims;

  /**
   * @param keys the JWKS, reloaded when its file changes
   * @param issuer the only accepted {@code iss}
   * @param audience the {@code aud} a token must include
   */
  public JwtVerifier(Reloading<JWKSet> keys, String issuer, String audience, Claims claims) {
    this.claims = claims;
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, (selector, context) -> selector.select(keys.get())));
    DefaultJWTClaimsVerifier<SecurityContext> verifier = new DefaultJWTClaimsVerifier<>(Set.of(audience),
        new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp"), Set.of());
    verifier.setMaxClockSkew(CLOCK_SKEW_SECONDS);
    processor.setJWTClaimsSetVerifier(verifier);
  }

  /** Whether {@code token} has the shape of a JWT (three base64url parts), rather than an API key. */
  public static boolean looksLikeJwt(String token) {
    return token.chars().filter(c -> c == '.').count() == 2 && token.startsWith("eyJ");
  }

  /** The identity {@code token} proves; {@link AuthenticationException} saying why when it proves none. */
  public Identity verify(String token) {
    JWT jwt;
    try {
      jwt = JWTParser.parse(token);
    } catch (ParseException e) {
      throw new AuthenticationException("malformed JWT");
    }
    if (jwt instanceof PlainJWT) throw new AuthenticationException("unsigned JWT (alg none) refused");
    JWTClaimsSet set;
    try {
      set = processor.process(jwt, null);
    } catch (BadJOSEException e) {
      throw new AuthenticationException("JWT refused: " + e.getMessage());
    } catch (JOSEException e) {
      throw new AuthenticationException("JWT refused: cannot verify its signature");
    }
    Role role;
    try {
      Object value = set.getClaim(claims.role());
      if (!(value instanceof String s)) throw new AuthenticationException("JWT has no " + claims.role() + " claim (a role)");
      role = Role.parse(s);
    } catch (IllegalArgumentException e) {
      throw new AuthenticationException("JWT claim " + claims.role() + " " + e.getMessage());
    }
    return new Identity(set.getSubject(), role, list(set, claims.handlers()), list(set, claims.taskPrefixes()), "jwt");
  }

  private static List<String> list(JWTClaimsSet set, String claim) {
    Object value = set.getClaim(claim);
    if (value == null) return List.of();
    if (value instanceof String s) return s.isBlank() ? List.of() : List.of(s);
    if (value instanceof List<?> l) {
      List<String> out = new ArrayList<>();
      for (Object o : l) {
        if (!(o instanceof String s) || s.isBlank()) throw new AuthenticationException("JWT claim " + claim + " must be a list of texts");
        out.add(s);
      }
      return out;
    }
    throw new AuthenticationException("JWT claim " + claim + " must be a list of texts");
  }

  /** Reads a JWKS file, keeping only public keys. */
  public static JWKSet readKeys(java.nio.file.Path file) {
    try {
      JWKSet set = JWKSet.load(file.toFile()).toPublicJWKSet();
      if (set.getKeys().isEmpty()) throw new IllegalArgumentException("file has no public keys");
      return set;
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("file cannot be read (" + e.getClass().getSimpleName() + ")");
    } catch (ParseException e) {
      throw new IllegalArgumentException("file is not a JWK set (" + e.getMessage() + ")");
    }
  }
}
