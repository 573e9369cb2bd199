package io.taskgrid.security.auth;

import io.taskgrid.security.Identity;
import io.taskgrid.security.internal.Reloading;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Establishes who calls: from a bearer token (a JWT when it has that shape and JWT is configured,
 * else an API key) or, without one, from the client certificate the TLS handshake verified.
 */
public final class Authenticator {
  private final Reloading<Identities> identities; // null: no identities file
  private final JwtVerifier jwt; // null: no JWKS

  public Authenticator(Optional<Reloading<Identities>> identities, Optional<JwtVerifier> jwt) {
    this.identities = identities.orElse(null);
    this.jwt = jwt.orElse(null);
  }

  /**
   * The caller's identity.
   *
   * @param bearerToken the token of an {@code authorization: Bearer} header, or null
   * @param clientCertificate the verified client certificate, or null
   * @throws AuthenticationException saying why no identity follows (never containing the token)
   */
  public Identity authenticate(String bearerToken, X509Certificate clientCertificate) {
    if (bearerToken != null) {
      if (JwtVerifier.looksLikeJwt(bearerToken)) {
        if (jwt == null) throw new AuthenticationException("a JWT was sent but this coordinator verifies none (no TASKGRID_JWT_JWKS_FILE)");
        return jwt.verify(bearerToken);
      }
      if (identities == null) throw new AuthenticationException("an API key was sent but this coordinator has no identities file");
      return identities.get().byApiKey(bearerToken).orElseThrow(() -> new AuthenticationException("unknown API key"));
    }
    if (clientCertificate != null) {
      String cn = commonName(clientCertificate);
      if (cn == null) throw new AuthenticationException("the client certificate has no common name");
      if (identities == null) throw new AuthenticationException("client certificate CN=" + cn + " is not mapped to an identity");
      return identities.get().byCommonName(cn)
          .orElseThrow(() -> new AuthenticationException("client certificate CN=" + cn + " is not mapped to an identity"));
    }
    throw new AuthenticationException("no credentials: send 'authorization: Bearer <token>' or a client certificate");
  }

  /** The CN of a certificate's subject, or null. */
  public static String commonName(X509Certificate certificate) {
    try {
      LdapName name = new LdapName(certificate.getSubjectX500Principal().getName());
      for (Rdn rdn : name.getRdns().reversed()) {
        if (rdn.getType().equalsIgnoreCase("CN")) return String.valueOf(rdn.getValue());
      }
      return null;
    } catch (InvalidNameException e) {
      return null;
    }
  }
}
