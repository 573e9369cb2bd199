package io.taskgrid.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a process calls the coordinators' gRPC API when they are secured: TLS (trusted CA, client
 * certificate for mutual TLS) and a bearer token. {@link #NONE}: plaintext, no token.
 *
 * <p>Only what can be checked without touching files is checked here (pure code); whoever builds
 * the connection reads the files at start and reports an unreadable one naming its variable.
 *
 * @param token the bearer token (an API key or a JWT) sent as {@code authorization: Bearer}; empty
 *     for none. Never shown by {@link #toString()}
 * @param tokenFile a file holding the token instead, re-read when it changes; null for none
 * @param tls whether to connect with TLS; true whenever a CA or a client certificate is set
 * @param tlsCa PEM file of the CAs to trust; null for the JVM's default trust
 * @param tlsCert PEM file of the client certificate chain for mutual TLS; null for none
 * @param tlsKey PEM file of the client certificate's private key (PKCS#8); null exactly when
 *     {@code tlsCert} is
 */
public record ApiClientSecurity(String token, Path tokenFile, boolean tls, Path tlsCa, Path tlsCert, Path tlsKey) {

  public static final Setting<String> TOKEN =
      new Setting<>("TASKGRID_TOKEN", "", "Bearer token (an API key or a JWT) sent to coordinators as `authorization: Bearer <token>`; or use `TASKGRID_TOKEN_FILE`.", ApiClientSecurity::tokenValue);
  public static final Setting<Path> TOKEN_FILE =
      new Setting<>("TASKGRID_TOKEN_FILE", "", "File holding the bearer token instead of `TASKGRID_TOKEN`; re-read when it changes, so tokens rotate without a restart.", ApiClientSecurity::path);
  public static final Setting<Boolean> TLS =
      new Setting<>("TASKGRID_CLIENT_TLS", "off", "`on` to call coordinators over TLS (implied when a CA or client certificate is set); without `TASKGRID_CLIENT_TLS_CA` the JVM's default trust store is used.", ApiClientSecurity::onOff);
  public static final Setting<Path> TLS_CA =
      new Setting<>("TASKGRID_CLIENT_TLS_CA", "", "PEM file of the CA certificates to trust for the coordinators' TLS certificates.", ApiClientSecurity::path);
  public static final Setting<Path> TLS_CERT =
      new Setting<>("TASKGRID_CLIENT_TLS_CERT", "", "PEM file of the client certificate chain presented to coordinators (mutual TLS); with `TASKGRID_CLIENT_TLS_KEY`.", ApiClientSecurity::path);
  public static final Setting<Path> TLS_KEY =
      new Setting<>("TASKGRID_CLIENT_TLS_KEY", "", "PEM file (PKCS#8) of the client certificate's private key; with `TASKGRID_CLIENT_TLS_CERT`.", ApiClientSecurity::path);

  /** Plaintext, no token. */
  public static final ApiClientSecurity NONE = new ApiClientSecurity("", null, false, null, null, null);

  /** Every setting, in README order. */
  public static final List<Setting<?>> SETTINGS = List.of(TOKEN, TOKEN_FILE, TLS, TLS_CA, TLS_CERT, TLS_KEY);

  public ApiClientSecurity {
    token = token == null ? "" : tokenValue(token);
    if (!token.isEmpty() && tokenFile != null) {
      throw new ConfigException(TOKEN_FILE.name(), "must not be set together with " + TOKEN.name(), tokenFile.toString());
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      Setting<Path> missing = tlsCert == null ? TLS_CERT : TLS_KEY;
      Setting<Path> given = tlsCert == null ? TLS_KEY : TLS_CERT;
      throw missing.invalid("must be set together with " + given.name(), "");
    }
    tls = tls || tlsCa != null || tlsCert != null;
  }

  /** Reads every setting from {@code env}. */
  public static ApiClientSecurity fromEnvironment(Map<String, String> env) {
    return new ApiClientSecurity(TOKEN.read(env), TOKEN_FILE.read(env), TLS.read(env), TLS_CA.read(env), TLS_CERT.read(env),
        TLS_KEY.read(env));
  }

  /** Whether calls carry a bearer token (from {@link #token} or {@link #tokenFile}). */
  public boolean hasToken() {
    return !token.isEmpty() || tokenFile != null;
  }

  /** The same with {@code token} sent as a bearer token (and no token file). */
  public ApiClientSecurity withToken(String token) {
    return new ApiClientSecurity(token, null, tls, tlsCa, tlsCert, tlsKey);
  }

  /** The same with the token read from {@code file} (and no fixed token). */
  public ApiClientSecurity withTokenFile(Path file) {
    return new ApiClientSecurity("", Objects.requireNonNull(file, "file"), tls, tlsCa, tlsCert, tlsKey);
  }

  /** The same over TLS, trusting the CAs of {@code caPem}, or the JVM's default trust when null. */
  public ApiClientSecurity withTls(Path caPem) {
    return new ApiClientSecurity(token, tokenFile, true, caPem, tlsCert, tlsKey);
  }

  /** The same over TLS presenting a client certificate (mutual TLS). */
  public ApiClientSecurity withClientCertificate(Path certChainPem, Path privateKeyPem) {
    return new ApiClientSecurity(token, tokenFile, true, tlsCa, Objects.requireNonNull(certChainPem, "certChainPem"),
        Objects.requireNonNull(privateKeyPem, "privateKeyPem"));
  }

  /** Every setting but the token itself, which is shown as {@code ****} when set. */
  @Override
  public String toString() {
    return "ApiClientSecurity[token=" + (token.isEmpty() ? "" : "****") + ", tokenFile=" + tokenFile + ", tls=" + tls + ", tlsCa=" + tlsCa
        + ", tlsCert=" + tlsCert + ", tlsKey=" + tlsKey + "]";
  }

  /**
   * A token as it may go in an HTTP header: visible ASCII, no spaces. The error never shows it:
   * {@link Setting#read} passes a {@link ConfigException} on as it is.
   */
  private static String tokenValue(String s) {
    String t = s.trim();
    if (!t.isEmpty() && !t.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new ConfigException(TOKEN.name(), "must be printable ASCII without spaces (an API key or a JWT)", "****");
    }
    return t;
  }

  private static Path path(String s) {
    String t = s.trim();
    if (t.isEmpty()) return null;
    if (t.indexOf('\0') >= 0) throw new IllegalArgumentException("must be a file path");
    return Path.of(t);
  }

  private static Boolean onOff(String s) {
    return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "on", "true" -> true;
      case "off", "false", "" -> false;
      default -> throw new IllegalArgumentException("must be on or off");
    };
  }
}
