package io.taskgrid.security.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A value read from files and read again when they change: certificates, keys, identities, JWKS.
 * {@link #get()} looks at the files' modification time, size and identity at most once per
 * interval (a Kubernetes secret swaps a symlink; an editor rewrites in place: both change one of
 * those). A reload that fails keeps the value it had and logs one warning per change of the files,
 * so a half-written pair of files is retried on the next look rather than taking the port down.
 *
 * @param <T> what the files hold
 */
public final class Reloading<T> {
  private static final Logger log = LoggerFactory.getLogger(Reloading.class);

  /** Reads the value from the files; throws an unchecked exception saying what is wrong. */
  @FunctionalInterface
  public interface Loader<T> {
    T load();
  }

  private final String what;
  private final List<Path> files;
  private final Loader<T> loader;
  private final Duration interval;
  private final InstantSource clock;
  private volatile T current;
  private volatile long generation;
  private List<Stamp> loaded;
  private List<Stamp> failed;
  private volatile Instant nextLook;

  /** Loads at once: a failure here is thrown, since there is nothing to keep. */
  public Reloading(String what, List<Path> files, Loader<T> loader, Duration interval, InstantSource clock) {
    this.what = what;
    this.files = List.copyOf(files);
    this.loader = loader;
    this.interval = interval;
    this.clock = clock;
    this.loaded = stamps();
    this.current = loader.load();
    this.nextLook = clock.instant().plus(interval);
  }

  /** The value, read again first when the files changed since the last look (at most once per interval). */
  public T get() {
    if (clock.instant().isBefore(nextLook)) return current;
    synchronized (this) {
      Instant now = clock.instant();
      if (now.isBefore(nextLook)) return current;
      nextLook = now.plus(interval);
      List<Stamp> seen = stamps();
      if (seen.equals(loaded)) return current;
      try {
        T fresh = loader.load();
        current = fresh;
        loaded = seen;
        failed = null;
        generation++;
        log.info("Reloaded {} from {}", what, files);
      } catch (RuntimeException e) {
        if (!seen.equals(failed)) log.warn("Cannot reload {} from {}, keeping the previous one: {}", what, files, e.getMessage());
        failed = seen;
      }
      return current;
    }
  }

  /** How many times the value was reloaded; changes with each successful reload. */
  public long generation() {
    get();
    return generation;
  }

  private List<Stamp> stamps() {
    List<Stamp> out = new ArrayList<>(files.size());
    for (Path f : files) {
      try {
        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
        out.add(new Stamp(a.lastModifiedTime().toMillis(), a.size(), Objects.toString(a.fileKey())));
      } catch (IOException e) {
        out.add(new Stamp(-1, -1, "missing"));
      }
    }
    return out;
  }

  private record Stamp(long modified, long size, String key) {}
}
