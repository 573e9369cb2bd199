package io.taskgrid.worker.internal.side;

import io.taskgrid.core.task.SideTask;
import java.util.Arrays;
import java.util.Objects;

/**
 * A side task as the registry says it should run on some worker.
 *
 * @param taskId the registered task's id
 * @param handler the handler's name
 * @param payload the payload's bytes
 * @param contentType the payload's media type
 * @param policy how it restarts after an error
 * @param wanted false while the task is paused or disabled: no instance runs
 */
record SideSpec(String taskId, String handler, byte[] payload, String contentType, SideTask policy, boolean wanted) {
  SideSpec {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(policy, "policy");
  }

  /** Whether a running instance of {@code this} must be restarted to run as {@code next} says. */
  boolean sameRun(SideSpec next) {
    return handler.equals(next.handler) && Arrays.equals(payload, next.payload) && contentType.equals(next.contentType)
        && policy.equals(next.policy);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SideSpec s && taskId.equals(s.taskId) && sameRun(s) && wanted == s.wanted;
  }

  @Override
  public int hashCode() {
    return Objects.hash(taskId, handler, Arrays.hashCode(payload), contentType, policy, wanted);
  }

  @Override
  public String toString() {
    return "SideSpec[" + taskId + ", handler " + handler + (wanted ? "" : ", stopped") + "]";
  }
}
