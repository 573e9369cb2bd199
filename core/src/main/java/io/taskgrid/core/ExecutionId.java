package io.taskgrid.core;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.UUID;

/**
 * The id of one execution: a lower-case UUID. Generated ids are version 7 (time-ordered), so ids
 * sort roughly by submission time and spread evenly over Kafka partitions.
 */
public record ExecutionId(String value) {
  /**
   * Random bits, per thread: the default SecureRandom on Linux reads /dev/urandom under a global
   * lock on every call, and DRBG hashes on every call; both showed at thousands of ids a second.
   * A DRBG seeded once per thread fills a buffer at a time, so ids stay unpredictable (none can be
   * guessed from earlier ones) at a fraction of the cost.
   */
  private static final ThreadLocal<RandomBits> RANDOM = ThreadLocal.withInitial(RandomBits::new);

  private static final class RandomBits {
    private final SecureRandom random = newRandom();
    private final ByteBuffer buffer = ByteBuffer.allocate(1024).position(1024);

    long nextLong() {
      if (!buffer.hasRemaining()) {
        random.nextBytes(buffer.array());
        buffer.clear();
      }
      return buffer.getLong();
    }

    private static SecureRandom newRandom() {
      try {
        return SecureRandom.getInstance("DRBG");
      } catch (java.security.NoSuchAlgorithmException e) {
        return new SecureRandom();
      }
    }
  }

  public ExecutionId {
    if (value == null || value.isEmpty()) {
      throw new InvalidArgumentException("execution_id", "must not be empty");
    }
    if (value.length() != 36) {
      throw new InvalidArgumentException("execution_id", "must be a UUID, got " + InvalidArgumentException.quote(value));
    }
    try {
      UUID parsed = UUID.fromString(value);
      if (!parsed.toString().equals(value)) {
        throw new InvalidArgumentException("execution_id", "must be a lower-case UUID, got " + InvalidArgumentException.quote(value));
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("execution_id", "must be a UUID, got " + InvalidArgumentException.quote(value));
    }
  }

  /** Parses an id given by a user, naming {@code field} when it is malformed. */
  public static ExecutionId parse(String field, String value) {
    try {
      return new ExecutionId(value);
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException(field, e.getMessage().substring("execution_id: ".length()));
    }
  }

  /** A new version-7 UUID: 48 bits of milliseconds from {@code clock}, then random bits. */
  public static ExecutionId generate(InstantSource clock) {
    long millis = clock.millis();
    RandomBits random = RANDOM.get();
    long randA = random.nextLong();
    long randB = random.nextLong();
    long msb = (millis << 16) | 0x7000L | (randA & 0x0FFFL);
    long lsb = (randB & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new ExecutionId(new UUID(msb, lsb).toString());
  }

  /**
   * The id of the execution that {@code parts} name (for example a task and one of its fire
   * times): the same parts always give the same id, which is how a fire is recorded once however
   * many coordinators compute it. A version-8 UUID laid out like version 7 (48 bits of {@code
   * time}'s milliseconds first, so derived and generated ids sort together), the rest from a
   * SHA-256 of the parts.
   */
  public static ExecutionId derived(java.time.Instant time, String... parts) {
    java.security.MessageDigest sha;
    try {
      sha = java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
    for (String part : parts) {
      sha.update(part.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      sha.update((byte) 0);
    }
    ByteBuffer hash = ByteBuffer.wrap(sha.digest());
    long millis = Math.max(0, time.toEpochMilli()) & 0xFFFF_FFFF_FFFFL;
    long msb = (millis << 16) | 0x8000L | (hash.getLong() & 0x0FFFL);
    long lsb = (hash.getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new ExecutionId(new UUID(msb, lsb).toString());
  }

  @Override
  public String toString() {
    return value;
  }
}
