package io.taskgrid.embedded;

/**
 * One {@link Infrastructure} per JVM, started on first use and stopped when the JVM exits. Tests
 * share it and keep apart by using their own topics, consumer groups and key prefixes.
 */
public final class SharedInfrastructure {
  private static Infrastructure instance;

  private SharedInfrastructure() {}

  public static synchronized Infrastructure get() {
    if (instance == null) {
      Infrastructure started = Infrastructure.start();
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "tg-infra-shutdown"));
      instance = started;
    }
    return instance;
  }
}
