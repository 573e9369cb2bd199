package io.taskgrid.core;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The Kafka topics task messages travel on: one per {@link Priority}, all named after the tasks
 * topic. MEDIUM keeps the tasks topic's own name, so messages written before priorities had
 * topics, and whatever watches that topic (KEDA, dashboards), keep working; the others add their
 * priority as a suffix: {@code taskgrid.tasks.critical}, {@code taskgrid.tasks.high}, {@code
 * taskgrid.tasks.low}, {@code taskgrid.tasks.background}.
 *
 * <p>Everything that writes a task message picks its topic here, from the message's priority, and
 * everything that creates or reads the topics lists them here.
 *
 * @param base the tasks topic (MEDIUM's)
 */
public record TaskTopics(String base) {
  /** Kafka's limit on a topic name. */
  public static final int MAX_TOPIC_LENGTH = 249;
  /** The longest tasks topic: room is left for the longest suffix. */
  public static final int MAX_BASE_LENGTH = MAX_TOPIC_LENGTH - suffix(Priority.BACKGROUND).length();

  public TaskTopics {
    if (base == null || !base.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("tasks topic must be a Kafka topic name (letters, digits or . _ -), got '" + base + "'");
    }
    if (base.length() > MAX_BASE_LENGTH) {
      throw new IllegalArgumentException("tasks topic must be at most " + MAX_BASE_LENGTH
          + " characters (the priority topics add a suffix), got " + base.length());
    }
  }

  /** The topic that messages of {@code priority} are written to. */
  public String forPriority(Priority priority) {
    return base + suffix(priority);
  }

  /** Every task topic, highest priority first. */
  public List<String> all() {
    return Arrays.stream(Priority.values()).map(this::forPriority).toList();
  }

  /** The priority whose topic {@code topic} is, if it is one of these. */
  public Optional<Priority> priorityOf(String topic) {
    return Arrays.stream(Priority.values()).filter(p -> forPriority(p).equals(topic)).findFirst();
  }

  private static String suffix(Priority priority) {
    return priority == Priority.MEDIUM ? "" : "." + priority.name().toLowerCase(Locale.ROOT);
  }
}
