package io.taskgrid.security;

import com.nimbusds.jose.jwk.JWKSet;
import io.taskgrid.core.config.ConfigException;
import io.taskgrid.core.config.Setting;
import io.taskgrid.security.auth.Authenticator;
import io.taskgrid.security.auth.Identities;
import io.taskgrid.security.auth.IdentitiesFile;
import io.taskgrid.security.auth.JwtVerifier;
import io.taskgrid.security.internal.Reloading;
import io.taskgrid.security.tls.ServerTls;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How a coordinator secures its API ports (gRPC, HTTP/JSON, dashboard): TLS, authentication and
 * authorization. {@link #NONE}: plaintext, no authentication. Paths are of files read at start and
 * read again when they change; empty means not set.
 *
 * @param tlsCert PEM certificate chain of the server ({@code TASKGRID_TLS_CERT}); empty: plaintext
 * @param tlsKey PEM private key of that certificate ({@code TASKGRID_TLS_KEY})
 * @param tlsClientCa PEM CAs whose client certificates are trusted ({@code TASKGRID_TLS_CLIENT_CA}); empty: no mutual TLS
 * @param tlsClientAuth whether clients are asked for a certificate when a client CA is set
 * @param auth whether calls must authenticate ({@code TASKGRID_AUTH})
 * @param identitiesFile YAML file of API keys and certificate identities ({@code TASKGRID_IDENTITIES_FILE})
 * @param jwtJwksFile JWK set file of the identity provider's public keys ({@code TASKGRID_JWT_JWKS_FILE})
 * @param jwtIssuer the {@code iss} JWTs must have
 * @param jwtAudience the {@code aud} JWTs must include
 * @param jwtRoleClaim the claim holding the role
 * @param jwtHandlersClaim the claim holding the allowed handlers (optional in tokens)
 * @param jwtTaskPrefixesClaim the claim holding the allowed task id prefixes (optional in tokens)
 * @param bindAddress the address the gRPC port listens on; empty: every interface
 */
public record ApiSecurity(
    String tlsCert,
    String tlsKey,
    String tlsClientCa,
    ClientAuth tlsClientAuth,
    boolean auth,
    String identitiesFile,
    String jwtJwksFile,
    String jwtIssuer,
    String jwtAudience,
    String jwtRoleClaim,
    String jwtHandlersClaim,
    String jwtTaskPrefixesClaim,
    String bindAddress) {

  public static final Setting<String> TLS_CERT = new Setting<>("TASKGRID_TLS_CERT", "",
      "PEM certificate chain (server certificate first) of the coordinator's gRPC port (and HTTPS port); set with `TASKGRID_TLS_KEY` to turn TLS on; reloaded when the file changes.",
      String::trim);
  public static final Setting<String> TLS_KEY = new Setting<>("TASKGRID_TLS_KEY", "",
      "PEM private key of `TASKGRID_TLS_CERT`, unencrypted: PKCS#8 (`BEGIN PRIVATE KEY`: RSA, EC or Ed25519), PKCS#1 (`BEGIN RSA PRIVATE KEY`) or SEC1 (`BEGIN EC PRIVATE KEY`); reloaded when the file changes.",
      String::trim);
  public static final Setting<String> TLS_CLIENT_CA = new Setting<>("TASKGRID_TLS_CLIENT_CA", "",
      "PEM CA certificates whose client certificates are trusted: turns on mutual TLS (needs TLS); reloaded when the file changes.", String::trim);
  public static final Setting<ClientAuth> TLS_CLIENT_AUTH = new Setting<>("TASKGRID_TLS_CLIENT_AUTH", "optional",
      "With `TASKGRID_TLS_CLIENT_CA`: `optional` (a client may present a certificate or use a token), `require` (refuse clients without one) or `none`.",
      ClientAuth::parse);
  public static final Setting<Boolean> AUTH = new Setting<>("TASKGRID_AUTH", "off",
      "`on` or `off`: whether every API call must authenticate (API key, JWT or client certificate) and is authorized by role; `on` needs `TASKGRID_IDENTITIES_FILE` or `TASKGRID_JWT_JWKS_FILE`.",
      ApiSecurity::onOff);
  public static final Setting<String> IDENTITIES_FILE = new Setting<>("TASKGRID_IDENTITIES_FILE", "",
      "YAML file of API keys (stored as `sha256:<hex>`) and client-certificate common names, each with a role and optional allow-lists (see Securing a cluster); reloaded when it changes.",
      String::trim);
  public static final Setting<String> JWT_JWKS_FILE = new Setting<>("TASKGRID_JWT_JWKS_FILE", "",
      "JWK set file of the identity provider's public keys; JWTs signed RS256 or ES256 by one of them are accepted; reloaded when it changes.", String::trim);
  public static final Setting<String> JWT_ISSUER = new Setting<>("TASKGRID_JWT_ISSUER", "",
      "The `iss` a JWT must have (required with `TASKGRID_JWT_JWKS_FILE`).", String::trim);
  public static final Setting<String> JWT_AUDIENCE = new Setting<>("TASKGRID_JWT_AUDIENCE", "",
      "The `aud` a JWT must include (required with `TASKGRID_JWT_JWKS_FILE`).", String::trim);
  public static final Setting<String> JWT_ROLE_CLAIM = new Setting<>("TASKGRID_JWT_ROLE_CLAIM", "taskgrid_role",
      "JWT claim holding the role (`viewer`, `operator`, `admin` or `worker`).", String::trim);
  public static final Setting<String> JWT_HANDLERS_CLAIM = new Setting<>("TASKGRID_JWT_HANDLERS_CLAIM", "taskgrid_handlers",
      "JWT claim holding the allowed handlers (a list; absent: any).", String::trim);
  public static final Setting<String> JWT_TASK_PREFIXES_CLAIM = new Setting<>("TASKGRID_JWT_TASK_PREFIXES_CLAIM", "taskgrid_task_prefixes",
      "JWT claim holding the allowed task id prefixes (a list; absent: any).", String::trim);
  public static final Setting<String> BIND_ADDRESS = new Setting<>("TASKGRID_BIND_ADDRESS", "",
      "Address the gRPC port listens on (e.g. `127.0.0.1`); empty: every interface.", String::trim);

  /** Plaintext, anyone may call anything. */
  public static final ApiSecurity NONE = new ApiSecurity("", "", "", ClientAuth.OPTIONAL, false, "", "", "", "", "taskgrid_role",
      "taskgrid_handlers", "taskgrid_task_prefixes", "");

  /** Every setting, in README order. */
  public static final List<Setting<?>> SETTINGS = List.of(TLS_CERT, TLS_KEY, TLS_CLIENT_CA, TLS_CLIENT_AUTH, AUTH, IDENTITIES_FILE,
      JWT_JWKS_FILE, JWT_ISSUER, JWT_AUDIENCE, JWT_ROLE_CLAIM, JWT_HANDLERS_CLAIM, JWT_TASK_PREFIXES_CLAIM, BIND_ADDRESS);

  public ApiSecurity {
    tlsCert = blankless(tlsCert);
    tlsKey = blankless(tlsKey);
    tlsClientCa = blankless(tlsClientCa);
    identitiesFile = blankless(identitiesFile);
    jwtJwksFile = blankless(jwtJwksFile);
    jwtIssuer = blankless(jwtIssuer);
    jwtAudience = blankless(jwtAudience);
    bindAddress = blankless(bindAddress);
    tlsClientAuth = tlsClientAuth == null ? ClientAuth.OPTIONAL : tlsClientAuth;
    if (!tlsCert.isEmpty() && tlsKey.isEmpty()) throw TLS_KEY.invalid("must be set with " + TLS_CERT.name(), "");
    if (tlsCert.isEmpty() && !tlsKey.isEmpty()) throw TLS_CERT.invalid("must be set with " + TLS_KEY.name(), "");
    if (!tlsClientCa.isEmpty() && tlsCert.isEmpty()) {
      throw TLS_CLIENT_CA.invalid("needs TLS: set " + TLS_CERT.name() + " and " + TLS_KEY.name(), tlsClientCa);
    }
    if (tlsClientAuth == ClientAuth.REQUIRE && tlsClientCa.isEmpty()) {
      throw TLS_CLIENT_AUTH.invalid("can be require only with " + TLS_CLIENT_CA.name(), tlsClientAuth.label());
    }
    if (auth && identitiesFile.isEmpty() && jwtJwksFile.isEmpty()) {
      throw AUTH.invalid("on needs " + IDENTITIES_FILE.name() + " or " + JWT_JWKS_FILE.name() + " (who may call)", "on");
    }
    if (!jwtJwksFile.isEmpty() && jwtIssuer.isEmpty()) throw JWT_ISSUER.invalid("must be set with " + JWT_JWKS_FILE.name(), "");
    if (!jwtJwksFile.isEmpty() && jwtAudience.isEmpty()) throw JWT_AUDIENCE.invalid("must be set with " + JWT_JWKS_FILE.name(), "");
    claim(JWT_ROLE_CLAIM, jwtRoleClaim);
    claim(JWT_HANDLERS_CLAIM, jwtHandlersClaim);
    claim(JWT_TASK_PREFIXES_CLAIM, jwtTaskPrefixesClaim);
    if (bindAddress.chars().anyMatch(Character::isWhitespace) || bindAddress.contains("/")) {
      throw BIND_ADDRESS.invalid("must be an IP address or host name", bindAddress);
    }
  }

  /** Reads every setting from {@code env}. */
  public static ApiSecurity fromEnvironment(Map<String, String> env) {
    return new ApiSecurity(TLS_CERT.read(env), TLS_KEY.read(env), TLS_CLIENT_CA.read(env), TLS_CLIENT_AUTH.read(env), AUTH.read(env),
        IDENTITIES_FILE.read(env), JWT_JWKS_FILE.read(env), JWT_ISSUER.read(env), JWT_AUDIENCE.read(env), JWT_ROLE_CLAIM.read(env),
        JWT_HANDLERS_CLAIM.read(env), JWT_TASK_PREFIXES_CLAIM.read(env), BIND_ADDRESS.read(env));
  }

  /** Whether the ports speak TLS. */
  public boolean tls() {
    return !tlsCert.isEmpty();
  }

  /**
   * The TLS of the ports, reading the files now: a missing or bad file fails here naming its
   * variable. Each call makes a new one that watches the files; a process makes one and shares it
   * between its ports.
   */
  public Optional<ServerTls> serverTls() {
    return serverTls(InstantSource.system());
  }

  /** As {@link #serverTls()}, with the clock that paces looking at the files. */
  public Optional<ServerTls> serverTls(InstantSource clock) {
    if (!tls()) return Optional.empty();
    return Optional.of(ServerTls.load(Path.of(tlsCert), Path.of(tlsKey), tlsClientCa.isEmpty() ? Optional.empty() : Optional.of(Path.of(tlsClientCa)),
        tlsClientAuth, clock));
  }

  /**
   * Who calls, when authentication is on: reads the identities file and the JWKS now (a bad one
   * fails here naming its variable) and again when they change. Empty when {@link #auth()} is off.
   */
  public Optional<Authenticator> authenticator(InstantSource clock) {
    if (!auth) return Optional.empty();
    Optional<Reloading<Identities>> identities = identitiesFile.isEmpty() ? Optional.empty()
        : Optional.of(reloading("the identities file", IDENTITIES_FILE, identitiesFile, IdentitiesFile::read, clock));
    Optional<JwtVerifier> jwt = jwtJwksFile.isEmpty() ? Optional.empty()
        : Optional.of(new JwtVerifier(reloading("the JWT keys", JWT_JWKS_FILE, jwtJwksFile, JwtVerifier::readKeys, clock), jwtIssuer, jwtAudience,
            new JwtVerifier.Claims(jwtRoleClaim, jwtHandlersClaim, jwtTaskPrefixesClaim)));
    return Optional.of(new Authenticator(identities, jwt));
  }

  /** With TLS from these PEM files. */
  public ApiSecurity withTls(Path certificate, Path privateKey) {
    return new ApiSecurity(certificate.toString(), privateKey.toString(), tlsClientCa, tlsClientAuth, auth, identitiesFile, jwtJwksFile, jwtIssuer,
        jwtAudience, jwtRoleClaim, jwtHandlersClaim, jwtTaskPrefixesClaim, bindAddress);
  }

  /** With mutual TLS: client certificates signed by the CAs of {@code caFile}, asked for as {@code mode} says. */
  public ApiSecurity withClientCa(Path caFile, ClientAuth mode) {
    return new ApiSecurity(tlsCert, tlsKey, caFile.toString(), mode, auth, identitiesFile, jwtJwksFile, jwtIssuer, jwtAudience, jwtRoleClaim,
        jwtHandlersClaim, jwtTaskPrefixesClaim, bindAddress);
  }

  /** With authentication on, identities from {@code file}. */
  public ApiSecurity withIdentities(Path file) {
    return new ApiSecurity(tlsCert, tlsKey, tlsClientCa, tlsClientAuth, true, file.toString(), jwtJwksFile, jwtIssuer, jwtAudience, jwtRoleClaim,
        jwtHandlersClaim, jwtTaskPrefixesClaim, bindAddress);
  }

  /** With authentication on, JWTs verified with the keys of {@code jwks}. */
  public ApiSecurity withJwt(Path jwks, String issuer, String audience) {
    return new ApiSecurity(tlsCert, tlsKey, tlsClientCa, tlsClientAuth, true, identitiesFile, jwks.toString(), issuer, audience, jwtRoleClaim,
        jwtHandlersClaim, jwtTaskPrefixesClaim, bindAddress);
  }

  /** With the gRPC port on {@code address} (empty: every interface). */
  public ApiSecurity withBindAddress(String address) {
    return new ApiSecurity(tlsCert, tlsKey, tlsClientCa, tlsClientAuth, auth, identitiesFile, jwtJwksFile, jwtIssuer, jwtAudience, jwtRoleClaim,
        jwtHandlersClaim, jwtTaskPrefixesClaim, address);
  }

  private static <T> Reloading<T> reloading(String what, Setting<String> setting, String file, java.util.function.Function<Path, T> read,
      InstantSource clock) {
    Path path = Path.of(file);
    return new Reloading<>(what, List.of(path), () -> {
      try {
        return read.apply(path);
      } catch (ConfigException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw setting.invalid(e.getMessage(), file);
      }
    }, Duration.ofSeconds(1), clock);
  }

  private static void claim(Setting<String> setting, String name) {
    if (name == null || name.isBlank()) throw setting.invalid("must not be empty", name);
  }

  private static String blankless(String s) {
    return s == null ? "" : s.trim();
  }

  private static Boolean onOff(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "on" -> true;
      case "off" -> false;
      default -> throw new IllegalArgumentException("must be on or off");
    };
  }
}
