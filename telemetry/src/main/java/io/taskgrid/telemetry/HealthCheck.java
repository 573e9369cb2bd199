package io.taskgrid.telemetry;

/** One thing a process needs to be live or ready: Kafka reachable, Redis reachable, a loop alive. */
@FunctionalInterface
public interface HealthCheck {
  /** The check's result now; may block up to the check's own timeout, never throws. */
  Result check();

  /** What a check found: up or not, and a short detail for people (an error, the leader's id). */
  record Result(boolean up, String detail) {
    public static Result up(String detail) {
      return new Result(true, detail);
    }

    public static Result down(String detail) {
      return new Result(false, detail);
    }
  }

  /**
   * Up when the asynchronous {@code call} completes within {@code timeout}, with {@code detail} of
   * its value (the call's elapsed milliseconds are passed too); down with its error, or when it
   * does not answer in time. Independent of the client's own retries.
   */
  static <T> HealthCheck awaiting(java.time.Duration timeout, java.util.function.Supplier<? extends java.util.concurrent.Future<T>> call,
      java.util.function.BiFunction<T, Long, String> detail) {
    return () -> {
      long start = System.nanoTime();
      try {
        T value = call.get().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        return Result.up(detail.apply(value, (System.nanoTime() - start) / 1_000_000));
      } catch (java.util.concurrent.ExecutionException e) {
        return Result.down(String.valueOf(e.getCause()));
      } catch (java.util.concurrent.TimeoutException e) {
        return Result.down("no answer within " + timeout.toMillis() + " ms");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Result.down("interrupted");
      }
    };
  }

  /** This check, run at most once per {@code ttl}; callers in between get the last result. */
  default HealthCheck cached(java.time.Duration ttl) {
    HealthCheck inner = this;
    return new HealthCheck() {
      private Result last;
      private long at;

      @Override
      public synchronized Result check() {
        long now = System.nanoTime();
        if (last == null || now - at >= ttl.toNanos()) {
          last = inner.safeCheck();
          at = System.nanoTime();
        }
        return last;
      }
    };
  }

  /** {@link #check()}, with an exception turned into a down result. */
  default Result safeCheck() {
    try {
      return check();
    } catch (RuntimeException e) {
      return Result.down(e.toString());
    }
  }
}
