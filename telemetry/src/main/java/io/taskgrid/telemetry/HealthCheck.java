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
