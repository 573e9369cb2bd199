package io.taskgrid.core.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * How coordinators and workers connect to Kafka and Redis when those require TLS or credentials.
 * {@link #NONE}: plaintext Kafka; Redis as its URL says.
 *
 * <p>Files named by settings (passwords, extra Kafka properties) are read when the settings are
 * read, so a missing or unreadable file fails the start naming its variable; certificates and keys
 * are read when a client is made (see {@link Kafka#clientProperties()}). Passwords never show in
 * {@link #toString()}.
 *
 * @param kafka how to reach Kafka
 * @param redis credentials and TLS files for Redis, beside what {@code TASKGRID_REDIS_URL} says
 */
public record InfraSecurity(Kafka kafka, Redis redis) {
  public static final Setting<Protocol> KAFKA_SECURITY_PROTOCOL = new Setting<>("TASKGRID_KAFKA_SECURITY_PROTOCOL", "PLAINTEXT",
      "How clients talk to Kafka: `PLAINTEXT`, `SSL`, `SASL_PLAINTEXT` or `SASL_SSL` (Kafka's `security.protocol`).",
      Protocol::parse);
  public static final Setting<Optional<SaslMechanism>> KAFKA_SASL_MECHANISM = new Setting<>("TASKGRID_KAFKA_SASL_MECHANISM", "",
      "SASL mechanism for the `SASL_*` protocols: `PLAIN`, `SCRAM-SHA-256` or `SCRAM-SHA-512` (`SCRAM-SHA-512` when unset).",
      s -> optional(s).map(SaslMechanism::parse));
  public static final Setting<Optional<String>> KAFKA_SASL_USERNAME = new Setting<>("TASKGRID_KAFKA_SASL_USERNAME", "",
      "SASL user name; required with the `SASL_*` protocols.", InfraSecurity::optional);
  public static final Setting<Optional<String>> KAFKA_SASL_PASSWORD = new Setting<>("TASKGRID_KAFKA_SASL_PASSWORD", "",
      "SASL password (or use `TASKGRID_KAFKA_SASL_PASSWORD_FILE`); never logged.", InfraSecurity::secret);
  public static final Setting<Optional<Path>> KAFKA_SASL_PASSWORD_FILE = new Setting<>("TASKGRID_KAFKA_SASL_PASSWORD_FILE", "",
      "File holding the SASL password (a trailing newline is ignored).", InfraSecurity::optionalPath);
  public static final Setting<Optional<Path>> KAFKA_TLS_CA = new Setting<>("TASKGRID_KAFKA_TLS_CA", "",
      "PEM file of the CA certificates that sign the brokers' certificates (`SSL`, `SASL_SSL`); the JVM's trusted CAs when unset.",
      InfraSecurity::optionalPath);
  public static final Setting<Optional<Path>> KAFKA_TLS_CERT = new Setting<>("TASKGRID_KAFKA_TLS_CERT", "",
      "PEM client certificate (chain) for mutual TLS to Kafka; needs `TASKGRID_KAFKA_TLS_KEY`.", InfraSecurity::optionalPath);
  public static final Setting<Optional<Path>> KAFKA_TLS_KEY = new Setting<>("TASKGRID_KAFKA_TLS_KEY", "",
      "PEM private key (unencrypted PKCS#8, `BEGIN PRIVATE KEY`) of `TASKGRID_KAFKA_TLS_CERT`.", InfraSecurity::optionalPath);
  public static final Setting<Optional<Path>> KAFKA_PROPERTIES_FILE = new Setting<>("TASKGRID_KAFKA_PROPERTIES_FILE", "",
      "Java properties file of further Kafka client settings, applied over the ones above (e.g. `sasl.login.callback.handler.class`); Taskgrid's own delivery settings still win.",
      InfraSecurity::optionalPath);
  public static final Setting<Optional<String>> REDIS_USERNAME = new Setting<>("TASKGRID_REDIS_USERNAME", "",
      "Redis ACL user, instead of one in `TASKGRID_REDIS_URL`.", InfraSecurity::optional);
  public static final Setting<Optional<String>> REDIS_PASSWORD = new Setting<>("TASKGRID_REDIS_PASSWORD", "",
      "Redis password (ACL user's, or `requirepass`), instead of one in `TASKGRID_REDIS_URL`; never logged.", InfraSecurity::secret);
  public static final Setting<Optional<Path>> REDIS_PASSWORD_FILE = new Setting<>("TASKGRID_REDIS_PASSWORD_FILE", "",
      "File holding the Redis password (a trailing newline is ignored).", InfraSecurity::optionalPath);
  public static final Setting<Optional<Path>> REDIS_TLS_CA = new Setting<>("TASKGRID_REDIS_TLS_CA", "",
      "PEM file of the CA certificates that sign Redis's certificate (needs a `rediss://` URL); the JVM's trusted CAs when unset.",
      InfraSecurity::optionalPath);
  public static final Setting<Optional<Path>> REDIS_TLS_CERT = new Setting<>("TASKGRID_REDIS_TLS_CERT", "",
      "PEM client certificate (chain) for Redis's `tls-auth-clients`; needs `TASKGRID_REDIS_TLS_KEY`.", InfraSecurity::optionalPath);
  public static final Setting<Optional<Path>> REDIS_TLS_KEY = new Setting<>("TASKGRID_REDIS_TLS_KEY", "",
      "PEM private key (unencrypted PKCS#8, `BEGIN PRIVATE KEY`) of `TASKGRID_REDIS_TLS_CERT`.", InfraSecurity::optionalPath);

  /** Every setting, in README order. */
  public static final List<Setting<?>> SETTINGS = List.of(KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME,
      KAFKA_SASL_PASSWORD, KAFKA_SASL_PASSWORD_FILE, KAFKA_TLS_CA, KAFKA_TLS_CERT, KAFKA_TLS_KEY, KAFKA_PROPERTIES_FILE,
      REDIS_USERNAME, REDIS_PASSWORD, REDIS_PASSWORD_FILE, REDIS_TLS_CA, REDIS_TLS_CERT, REDIS_TLS_KEY);

  /** Plaintext Kafka, Redis as its URL says. */
  public static final InfraSecurity NONE = new InfraSecurity(Kafka.PLAINTEXT, Redis.NONE);

  public InfraSecurity {
    kafka = kafka == null ? Kafka.PLAINTEXT : kafka;
    redis = redis == null ? Redis.NONE : redis;
  }

  /**
   * Reads every setting from {@code env}, and the files they name (passwords, Kafka properties);
   * a bad value or an unreadable file is a {@link ConfigException} naming the variable.
   */
  public static InfraSecurity fromEnvironment(Map<String, String> env) {
    Optional<String> kafkaPassword = password(env, KAFKA_SASL_PASSWORD, KAFKA_SASL_PASSWORD_FILE);
    Optional<String> kafkaUser = KAFKA_SASL_USERNAME.read(env);
    Protocol protocol = KAFKA_SECURITY_PROTOCOL.read(env);
    Optional<SaslMechanism> mechanism = KAFKA_SASL_MECHANISM.read(env);
    Optional<Sasl> sasl = Optional.empty();
    if (protocol.sasl()) {
      if (kafkaUser.isEmpty()) throw KAFKA_SASL_USERNAME.invalid("must be set when " + KAFKA_SECURITY_PROTOCOL.name() + " is " + protocol, "");
      if (kafkaPassword.isEmpty()) {
        throw KAFKA_SASL_PASSWORD.invalid("(or " + KAFKA_SASL_PASSWORD_FILE.name() + ") must be set when "
            + KAFKA_SECURITY_PROTOCOL.name() + " is " + protocol, "");
      }
      sasl = Optional.of(new Sasl(mechanism.orElse(SaslMechanism.SCRAM_SHA_512), kafkaUser.get(), kafkaPassword.get()));
    } else {
      // credentials nobody would send are a mistake in the configuration, not something to ignore
      for (var s : List.of(KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD, KAFKA_SASL_PASSWORD_FILE)) {
        if (!env.getOrDefault(s.name(), "").isBlank()) {
          throw s.invalid("is only used with SASL_PLAINTEXT or SASL_SSL, but " + KAFKA_SECURITY_PROTOCOL.name() + " is " + protocol,
              s == KAFKA_SASL_PASSWORD ? "***" : env.get(s.name()));
        }
      }
    }
    Map<String, String> extra = KAFKA_PROPERTIES_FILE.read(env).map(InfraSecurity::readProperties).orElse(Map.of());
    Kafka kafka = new Kafka(protocol, sasl, readable(env, KAFKA_TLS_CA), readable(env, KAFKA_TLS_CERT), readable(env, KAFKA_TLS_KEY),
        extra);
    Optional<String> redisPassword = password(env, REDIS_PASSWORD, REDIS_PASSWORD_FILE);
    Redis redis = new Redis(REDIS_USERNAME.read(env), redisPassword, readable(env, REDIS_TLS_CA), readable(env, REDIS_TLS_CERT),
        readable(env, REDIS_TLS_KEY));
    return new InfraSecurity(kafka, redis);
  }

  /** A copy with {@code kafka}. */
  public InfraSecurity withKafka(Kafka kafka) {
    return new InfraSecurity(kafka, redis);
  }

  /** A copy with {@code redis}. */
  public InfraSecurity withRedis(Redis redis) {
    return new InfraSecurity(kafka, redis);
  }

  /** Kafka's {@code security.protocol}. */
  public enum Protocol {
    PLAINTEXT(false, false), SSL(true, false), SASL_PLAINTEXT(false, true), SASL_SSL(true, true);

    private final boolean tls;
    private final boolean sasl;

    Protocol(boolean tls, boolean sasl) {
      this.tls = tls;
      this.sasl = sasl;
    }

    /** Whether connections use TLS. */
    public boolean tls() {
      return tls;
    }

    /** Whether clients authenticate with SASL. */
    public boolean sasl() {
      return sasl;
    }

    static Protocol parse(String s) {
      try {
        return valueOf(s.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL");
      }
    }
  }

  /** Kafka's {@code sasl.mechanism}s that take a user name and password. */
  public enum SaslMechanism {
    PLAIN("PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule"),
    SCRAM_SHA_256("SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule"),
    SCRAM_SHA_512("SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule");

    private final String kafkaName;
    private final String loginModule;

    SaslMechanism(String kafkaName, String loginModule) {
      this.kafkaName = kafkaName;
      this.loginModule = loginModule;
    }

    /** The name Kafka uses, e.g. {@code SCRAM-SHA-256}. */
    public String kafkaName() {
      return kafkaName;
    }

    static SaslMechanism parse(String s) {
      for (SaslMechanism m : values()) if (m.kafkaName.equalsIgnoreCase(s.strip())) return m;
      throw new IllegalArgumentException("must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
    }
  }

  /** A SASL user and password; {@link #toString} masks the password. */
  public record Sasl(SaslMechanism mechanism, String username, String password) {
    public Sasl {
      if (mechanism == null) throw new IllegalArgumentException("mechanism is required");
      if (username == null || username.isEmpty()) throw KAFKA_SASL_USERNAME.invalid("must not be empty", "");
      if (password == null || password.isEmpty()) throw KAFKA_SASL_PASSWORD.invalid("must not be empty", "");
    }

    /** The {@code sasl.jaas.config} of this user: the mechanism's login module with quoted, escaped values. */
    String jaasConfig() {
      return mechanism.loginModule + " required username=\"" + jaasQuote(username) + "\" password=\"" + jaasQuote(password) + "\";";
    }

    @Override
    public String toString() {
      return "Sasl[mechanism=" + mechanism.kafkaName + ", username=" + username + ", password=***]";
    }
  }

  /**
   * How Kafka clients connect: protocol, SASL credentials, TLS files, and further client properties
   * applied last. {@link #toString} shows the keys of the further properties, never their values.
   *
   * @param protocol Kafka's {@code security.protocol}
   * @param sasl user and password, present exactly when {@code protocol} uses SASL
   * @param tlsCa PEM CA certificates to trust (TLS protocols only); the JVM's when empty
   * @param tlsCert PEM client certificate chain for mutual TLS (with {@code tlsKey})
   * @param tlsKey PEM PKCS#8 private key of {@code tlsCert}
   * @param extraProperties further Kafka client properties, applied over everything else
   */
  public record Kafka(Protocol protocol, Optional<Sasl> sasl, Optional<Path> tlsCa, Optional<Path> tlsCert, Optional<Path> tlsKey,
      Map<String, String> extraProperties) {
    /** Plaintext, no credentials. */
    public static final Kafka PLAINTEXT = new Kafka(Protocol.PLAINTEXT, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Map.of());

    public Kafka {
      if (protocol == null) throw KAFKA_SECURITY_PROTOCOL.invalid("must be set", "");
      sasl = sasl == null ? Optional.empty() : sasl;
      tlsCa = tlsCa == null ? Optional.empty() : tlsCa;
      tlsCert = tlsCert == null ? Optional.empty() : tlsCert;
      tlsKey = tlsKey == null ? Optional.empty() : tlsKey;
      extraProperties = Map.copyOf(extraProperties == null ? Map.of() : extraProperties);
      if (protocol.sasl() && sasl.isEmpty()) {
        throw KAFKA_SASL_USERNAME.invalid("must be set when " + KAFKA_SECURITY_PROTOCOL.name() + " is " + protocol, "");
      }
      if (!protocol.sasl() && sasl.isPresent()) {
        throw KAFKA_SASL_USERNAME.invalid("is only used with SASL_PLAINTEXT or SASL_SSL, but " + KAFKA_SECURITY_PROTOCOL.name()
            + " is " + protocol, sasl.get().username());
      }
      // (no setting is touched unless something is wrong: PLAINTEXT is made while InfraSecurity initializes)
      if (!protocol.tls()) {
        if (tlsCa.isPresent() || tlsCert.isPresent() || tlsKey.isPresent()) {
          Setting<?> setting = tlsCa.isPresent() ? KAFKA_TLS_CA : tlsCert.isPresent() ? KAFKA_TLS_CERT : KAFKA_TLS_KEY;
          Path file = tlsCa.isPresent() ? tlsCa.get() : tlsCert.isPresent() ? tlsCert.get() : tlsKey.get();
          throw setting.invalid("is only used with SSL or SASL_SSL, but " + KAFKA_SECURITY_PROTOCOL.name() + " is " + protocol, file);
        }
      }
      if (tlsCert.isPresent() != tlsKey.isPresent()) pair(KAFKA_TLS_CERT, tlsCert, KAFKA_TLS_KEY, tlsKey);
    }

    /** {@code SASL_SSL} with {@code mechanism}, a user and a password, trusting the CA in {@code tlsCa} (if given). */
    public static Kafka saslSsl(SaslMechanism mechanism, String username, String password, Optional<Path> tlsCa) {
      return new Kafka(Protocol.SASL_SSL, Optional.of(new Sasl(mechanism, username, password)), tlsCa, Optional.empty(),
          Optional.empty(), Map.of());
    }

    /** A copy with a client certificate and key for mutual TLS. */
    public Kafka withClientCertificate(Path cert, Path key) {
      return new Kafka(protocol, sasl, tlsCa, Optional.of(cert), Optional.of(key), extraProperties);
    }

    /** A copy with further client properties, applied last. */
    public Kafka withExtraProperties(Map<String, String> properties) {
      return new Kafka(protocol, sasl, tlsCa, tlsCert, tlsKey, properties);
    }

    /**
     * The Kafka client properties for this security (no {@code bootstrap.servers}): {@code
     * security.protocol}, SASL mechanism and JAAS login, PEM trust store and key store, then the
     * further properties. Reads the client certificate and key (Kafka takes PEM key stores as
     * text); an unreadable file is a {@link ConfigException} naming its variable. The result holds
     * secrets: never log it.
     */
    public Map<String, Object> clientProperties() {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("security.protocol", protocol.name());
      sasl.ifPresent(s -> {
        p.put("sasl.mechanism", s.mechanism().kafkaName());
        p.put("sasl.jaas.config", s.jaasConfig());
      });
      tlsCa.ifPresent(ca -> {
        p.put("ssl.truststore.type", "PEM");
        p.put("ssl.truststore.location", ca.toString());
      });
      if (tlsCert.isPresent() && tlsKey.isPresent()) {
        p.put("ssl.keystore.type", "PEM");
        p.put("ssl.keystore.certificate.chain", readPem(KAFKA_TLS_CERT, tlsCert.get(), "CERTIFICATE"));
        p.put("ssl.keystore.key", readPem(KAFKA_TLS_KEY, tlsKey.get(), "PRIVATE KEY"));
      }
      p.putAll(extraProperties);
      return p;
    }

    /** Whether this is anything but plaintext with no further properties. */
    public boolean secured() {
      return protocol != Protocol.PLAINTEXT || !extraProperties.isEmpty();
    }

    @Override
    public String toString() {
      return "Kafka[protocol=" + protocol + ", sasl=" + sasl.map(Sasl::toString).orElse("none") + ", tlsCa=" + tlsCa.map(Path::toString).orElse("")
          + ", tlsCert=" + tlsCert.map(Path::toString).orElse("") + ", tlsKey=" + tlsKey.map(Path::toString).orElse("")
          + ", extraProperties=" + new TreeMap<>(extraProperties).keySet() + "]";
    }
  }

  /**
   * Redis credentials and TLS files beside {@code TASKGRID_REDIS_URL}. Credentials given here and
   * in the URL at once are rejected (see {@link #credentials}); the TLS files need a TLS URL
   * ({@code rediss://}, {@code rediss-sentinel://}).
   *
   * @param username ACL user (with {@code password})
   * @param password password of the ACL user, or of the default user ({@code requirepass})
   * @param tlsCa PEM CA certificates to trust; the JVM's when empty
   * @param tlsCert PEM client certificate chain (with {@code tlsKey})
   * @param tlsKey PEM PKCS#8 private key of {@code tlsCert}
   */
  public record Redis(Optional<String> username, Optional<String> password, Optional<Path> tlsCa, Optional<Path> tlsCert,
      Optional<Path> tlsKey) {
    /** Nothing beside the URL. */
    public static final Redis NONE = new Redis(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public Redis {
      username = username == null ? Optional.empty() : username;
      password = password == null ? Optional.empty() : password;
      tlsCa = tlsCa == null ? Optional.empty() : tlsCa;
      tlsCert = tlsCert == null ? Optional.empty() : tlsCert;
      tlsKey = tlsKey == null ? Optional.empty() : tlsKey;
      if (username.isPresent() && password.isEmpty()) {
        throw REDIS_PASSWORD.invalid("(or " + REDIS_PASSWORD_FILE.name() + ") must be set with " + REDIS_USERNAME.name(), "");
      }
      if (tlsCert.isPresent() != tlsKey.isPresent()) pair(REDIS_TLS_CERT, tlsCert, REDIS_TLS_KEY, tlsKey);
    }

    /** An ACL user and its password. */
    public static Redis user(String username, String password) {
      return new Redis(Optional.of(username), Optional.of(password), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** A copy trusting the CA certificates in {@code ca}. */
    public Redis withTlsCa(Path ca) {
      return new Redis(username, password, Optional.of(ca), tlsCert, tlsKey);
    }

    /** A copy with a client certificate and key. */
    public Redis withClientCertificate(Path cert, Path key) {
      return new Redis(username, password, tlsCa, Optional.of(cert), Optional.of(key));
    }

    /**
     * The credentials to use with {@code endpoint}: these settings' or the URL's. Both at once, or
     * TLS files with a plaintext URL, are a {@link ConfigException} naming the variable.
     */
    public Optional<RedisEndpoint.Credentials> credentials(RedisEndpoint endpoint) {
      if (!endpoint.tls()) {
        if (tlsCa.isPresent() || tlsCert.isPresent()) {
          throw (tlsCa.isPresent() ? REDIS_TLS_CA : REDIS_TLS_CERT).invalid(
              "needs a TLS URL (rediss:// or rediss-sentinel://), but TASKGRID_REDIS_URL is " + endpoint.display(),
              tlsCa.isPresent() ? tlsCa.get() : tlsCert.get());
        }
      }
      if (password.isEmpty()) return endpoint.credentials();
      if (endpoint.credentials().isPresent()) {
        throw REDIS_PASSWORD.invalid("must not be set when TASKGRID_REDIS_URL has credentials (" + endpoint.display() + ")", "***");
      }
      return Optional.of(new RedisEndpoint.Credentials(username.orElse(""), password.get()));
    }

    /** Whether any TLS file is set. */
    public boolean hasTlsFiles() {
      return tlsCa.isPresent() || tlsCert.isPresent();
    }

    @Override
    public String toString() {
      return "Redis[username=" + username.orElse("") + ", password=" + (password.isPresent() ? "***" : "") + ", tlsCa="
          + tlsCa.map(Path::toString).orElse("") + ", tlsCert=" + tlsCert.map(Path::toString).orElse("") + ", tlsKey="
          + tlsKey.map(Path::toString).orElse("") + "]";
    }
  }

  /**
   * The text of a PEM file named by {@code setting}, checked to hold a {@code -----BEGIN …kind}
   * block; unreadable or not PEM is a {@link ConfigException} naming the variable (never showing
   * the content).
   */
  public static String readPem(Setting<?> setting, Path file, String kind) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      throw setting.invalid("must name a readable PEM file (" + e.getClass().getSimpleName() + ")", file);
    }
    if (!text.contains("-----BEGIN ") || !text.contains(kind + "-----")) {
      throw setting.invalid("must name a PEM file with a -----BEGIN " + kind + "----- block", file);
    }
    return text;
  }

  private static void pair(Setting<?> certSetting, Optional<Path> cert, Setting<?> keySetting, Optional<Path> key) {
    if (cert.isPresent() && key.isEmpty()) throw keySetting.invalid("must be set with " + certSetting.name(), "");
    if (key.isPresent() && cert.isEmpty()) throw certSetting.invalid("must be set with " + keySetting.name(), "");
  }

  private static Optional<String> password(Map<String, String> env, Setting<Optional<String>> value, Setting<Optional<Path>> file) {
    Optional<String> direct = value.read(env);
    Optional<Path> path = file.read(env);
    if (direct.isPresent() && path.isPresent()) throw file.invalid("must not be set together with " + value.name(), path.get());
    if (path.isEmpty()) return direct;
    String text;
    try {
      text = Files.readString(path.get(), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw file.invalid("must name a readable file (" + e.getClass().getSimpleName() + ")", path.get());
    }
    text = text.endsWith("\r\n") ? text.substring(0, text.length() - 2) : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    if (text.isEmpty()) throw file.invalid("must name a file that holds a password, not an empty one", path.get());
    return Optional.of(text);
  }

  private static Optional<Path> readable(Map<String, String> env, Setting<Optional<Path>> setting) {
    Optional<Path> path = setting.read(env);
    path.ifPresent(p -> {
      if (!Files.isReadable(p)) throw setting.invalid("must name a readable file", p);
    });
    return path;
  }

  private static Map<String, String> readProperties(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException | RuntimeException e) {
      throw KAFKA_PROPERTIES_FILE.invalid("must name a readable Java properties file (" + e.getClass().getSimpleName() + ")", file);
    }
    if (p.containsKey("bootstrap.servers")) {
      throw KAFKA_PROPERTIES_FILE.invalid("must not set bootstrap.servers (that is TASKGRID_KAFKA_BOOTSTRAP)", file);
    }
    Map<String, String> out = new TreeMap<>();
    for (String key : p.stringPropertyNames()) out.put(key, p.getProperty(key));
    return out;
  }

  private static Optional<String> optional(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.strip());
  }

  /** A password as written: spaces are part of it. */
  private static Optional<String> secret(String s) {
    return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  private static Optional<Path> optionalPath(String s) {
    return optional(s).map(Path::of);
  }

  private static String jaasQuote(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
