package io.taskgrid.worker.internal.breaker;

import io.taskgrid.core.breaker.BreakerState;
import io.taskgrid.core.breaker.BreakerTransition;
import java.time.Duration;
import java.time.Instant;

/**
 * How a worker's breaker follows the cluster's: what to do with a transition another worker
 * published. Transitions the local breaker makes on its own are published; those it makes because
 * of another worker's are not, so a transition goes round once and never echoes.
 *
 * <ul>
 *   <li>One's own transition coming back: ignored.
 *   <li>A transition older than the local breaker's last change: ignored (the local state is newer).
 *   <li>OPEN: a closed or half-open breaker opens until the remote one's wait ends, so the workers
 *       probe at about the same time; an open one stays as it is; once that wait is over the
 *       cluster is already probing, and it is ignored.
 *   <li>CLOSED: an open or half-open breaker closes (another worker's probes succeeded).
 *   <li>HALF_OPEN: ignored; each worker probes on its own when its wait ends.
 * </ul>
 */
final class BreakerSync {
  private BreakerSync() {}

  /** What to do. */
  sealed interface Action {
    /** Nothing. */
    record Ignore(String why) implements Action {}

    /** Open the local breaker until {@code until} (then it lets probes through). */
    record OpenUntil(Instant until) implements Action {}

    /** Close the local breaker. */
    record Close() implements Action {}
  }

  /**
   * @param fromSelf whether this worker published {@code remote}
   * @param local the local breaker's state
   * @param localSince when the local breaker last changed state ({@link Instant#EPOCH} if never)
   * @param waitInOpenState the handler's wait in open state on this worker
   */
  static Action onRemote(BreakerTransition remote, boolean fromSelf, BreakerState local, Instant localSince, Duration waitInOpenState,
      Instant now) {
    if (fromSelf) return new Action.Ignore("own transition");
    if (remote.at().isBefore(localSince)) return new Action.Ignore("older than the local state");
    return switch (remote.state()) {
      case OPEN -> {
        Instant until = remote.at().plus(waitInOpenState);
        if (!until.isAfter(now)) yield new Action.Ignore("its wait in open state is over");
        yield local == BreakerState.OPEN ? new Action.Ignore("already open") : new Action.OpenUntil(until);
      }
      case CLOSED -> local == BreakerState.CLOSED ? new Action.Ignore("already closed") : new Action.Close();
      case HALF_OPEN -> new Action.Ignore("each worker probes on its own");
    };
  }
}
