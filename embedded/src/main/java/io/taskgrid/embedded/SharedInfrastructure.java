package io.taskgrid.embedded;

/**
 * One {@link Infrastructure} per JVM, started on first use (thread-safe) and stopped by a JVM
 * shutdown hook. Tests share it and keep apart by using their own topics, consumer groups and key
 * prefixes. Callers must not close it.
 */
public final class SharedInfrastructure {
  private static Infrastructure instance;

  private SharedInfrastructure() {}

  /**
   * The JVM's infrastructure, started by the first call; later calls return the same instance. A
   * failed start throws and leaves the next call to try again.
   */
  public static synchronized Infrastructure get() {
    if (instance == null) {
      Infrastructure started = Infrastructure.start();
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "tg-infra-shutdown"));
      instance = started;
    }
    return instance;
  }
}
