package io.taskgrid.worker.internal;

import io.grpc.Status;

/**
 * Turns the coordinators' refusals of this worker's credentials (UNAUTHENTICATED,
 * PERMISSION_DENIED) into one log line per streak of them, saying what to fix, instead of one per
 * retried call: while the token is wrong every report fails the same way, and the outcomes are
 * kept and retried anyway. A streak ends with the first call a coordinator accepts. Thread-safe:
 * the reporter thread and the outcome stream's callbacks both report to it.
 */
final class CredentialRefusals {
  private Status.Code streak; // the refusal being reported; null when the last call went through

  /** Whether {@code code} is a refusal of the worker's credentials. */
  static boolean isRefusal(Status.Code code) {
    return code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED;
  }

  /**
   * The line to log for this refusal, or null when the streak already said it: a refusal of
   * another kind (authenticated now, but not allowed) starts a new streak.
   */
  synchronized String refused(String coordinator, Status status) {
    if (status.getCode() == streak) return null;
    streak = status.getCode();
    String said = status.getDescription() == null ? "" : ": " + status.getDescription();
    String fix = status.getCode() == Status.Code.UNAUTHENTICATED
        ? "set TASKGRID_TOKEN or TASKGRID_TOKEN_FILE to a key or JWT the coordinators accept (or TASKGRID_CLIENT_TLS_CERT and"
            + " TASKGRID_CLIENT_TLS_KEY to a client certificate they trust)"
        : "give this worker's identity the role worker in the coordinators' identities";
    return "Coordinator " + coordinator + " refuses this worker's outcomes (" + status.getCode() + said + "); " + fix
        + ". The outcomes are kept and sent again until a coordinator accepts them; this is logged once until then";
  }

  /** The line to log when a call goes through after a streak of refusals, else null. */
  synchronized String accepted(String coordinator) {
    if (streak == null) return null;
    streak = null;
    return "Coordinator " + coordinator + " accepts this worker's outcomes again";
  }
}
