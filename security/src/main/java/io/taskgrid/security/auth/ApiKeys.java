package io.taskgrid.security.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** How API keys are stored: {@code sha256:<64 lowercase hex of SHA-256 of the UTF-8 key>}, never as they are. */
public final class ApiKeys {
  /** What a stored key looks like. */
  public static final Pattern STORED = Pattern.compile("sha256:[0-9a-f]{64}");

  private ApiKeys() {}

  /** The stored form of {@code key}: what goes into the identities file. */
  public static String hash(String key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK offers no SHA-256", e);
    }
  }
}
