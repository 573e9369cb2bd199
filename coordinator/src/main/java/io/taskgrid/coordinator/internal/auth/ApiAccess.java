package io.taskgrid.coordinator.internal.auth;

import io.grpc.MethodDescriptor;
import io.grpc.health.v1.HealthGrpc;
import io.taskgrid.proto.v1.CancelExecutionRequest;
import io.taskgrid.proto.v1.CreateTaskRequest;
import io.taskgrid.proto.v1.DeleteTaskRequest;
import io.taskgrid.proto.v1.GetExecutionRequest;
import io.taskgrid.proto.v1.GetStatsRequest;
import io.taskgrid.proto.v1.GetTaskRequest;
import io.taskgrid.proto.v1.ListCircuitBreakersRequest;
import io.taskgrid.proto.v1.ListExecutionsRequest;
import io.taskgrid.proto.v1.ListWorkersRequest;
import io.taskgrid.proto.v1.PauseTaskRequest;
import io.taskgrid.proto.v1.ResultServiceGrpc;
import io.taskgrid.proto.v1.ResumeTaskRequest;
import io.taskgrid.proto.v1.RunTaskRequest;
import io.taskgrid.proto.v1.SubmitTaskRequest;
import io.taskgrid.proto.v1.SubmitTasksRequest;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.UpdateTaskRequest;
import io.taskgrid.proto.v1.WatchExecutionRequest;
import io.taskgrid.proto.v1.WatchExecutionsRequest;
import io.taskgrid.proto.v1.WatchLifecycleRequest;
import io.taskgrid.security.Identity;
import io.taskgrid.security.Role;
import io.taskgrid.security.auth.AccessRule;
import io.taskgrid.security.auth.AccessRule.Scope;
import io.taskgrid.security.auth.AllowList;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Who may call each method of the coordinator's API: viewers read, operators submit, run, pause,
 * resume, cancel and publish, admins create, update and delete registered tasks, workers report
 * outcomes and nothing else; every identity may call WhoAmI; the health service is open. For identities with allow-lists, what
 * each request names (see {@link AllowList}): a handler, a task id, or an execution, whose handler
 * and task are looked up.
 */
public final class ApiAccess {
  /** The handler and task of an execution, for allow-lists. */
  public record ExecutionOwner(String handler, String taskId) {}

  private ApiAccess() {}

  /**
   * The table, by full method name.
   *
   * @param owners the handler and task of an execution id, empty when unknown (the call then answers NOT_FOUND itself)
   */
  public static Map<String, AccessRule> rules(Function<String, Optional<ExecutionOwner>> owners) {
    Map<String, AccessRule> r = new LinkedHashMap<>();
    Scope byExecution = (who, req) -> execution(who, owners, executionId(req));
    // operators: work
    put(r, TaskServiceGrpc.getSubmitTaskMethod(), AccessRule.write(Role.OPERATOR,
        (who, req) -> AllowList.denial(who, List.of(((SubmitTaskRequest) req).getHandler()), List.of())));
    put(r, TaskServiceGrpc.getSubmitTasksMethod(), AccessRule.write(Role.OPERATOR,
        (who, req) -> AllowList.denial(who, ((SubmitTasksRequest) req).getTasksList().stream().map(SubmitTaskRequest::getHandler).toList(), List.of())));
    put(r, TaskServiceGrpc.getRunTaskMethod(), AccessRule.write(Role.OPERATOR, task(req -> ((RunTaskRequest) req).getTaskId())));
    put(r, TaskServiceGrpc.getPauseTaskMethod(), AccessRule.write(Role.OPERATOR, task(req -> ((PauseTaskRequest) req).getTaskId())));
    put(r, TaskServiceGrpc.getResumeTaskMethod(), AccessRule.write(Role.OPERATOR, task(req -> ((ResumeTaskRequest) req).getTaskId())));
    put(r, TaskServiceGrpc.getCancelExecutionMethod(), AccessRule.write(Role.OPERATOR, byExecution));
    // an event can start any task listening for it: nothing an allow-list can bound
    put(r, TaskServiceGrpc.getPublishEventMethod(), AccessRule.write(Role.OPERATOR, (who, req) -> AllowList.denial(who, List.of(), List.of())));
    // admins: the registry
    put(r, TaskServiceGrpc.getCreateTaskMethod(), AccessRule.write(Role.ADMIN, (who, req) -> {
      var t = ((CreateTaskRequest) req).getTask();
      return AllowList.denial(who, List.of(t.getHandler()), List.of(t.getId()));
    }));
    put(r, TaskServiceGrpc.getUpdateTaskMethod(), AccessRule.write(Role.ADMIN, (who, req) -> {
      var t = ((UpdateTaskRequest) req).getTask();
      return AllowList.denial(who, List.of(t.getHandler()), List.of(t.getId()));
    }));
    put(r, TaskServiceGrpc.getDeleteTaskMethod(), AccessRule.write(Role.ADMIN, task(req -> ((DeleteTaskRequest) req).getTaskId())));
    // viewers: reads
    put(r, TaskServiceGrpc.getGetExecutionMethod(), AccessRule.read(Role.VIEWER, byExecution));
    put(r, TaskServiceGrpc.getWatchExecutionMethod(), AccessRule.read(Role.VIEWER, byExecution));
    put(r, TaskServiceGrpc.getWatchExecutionsMethod(), AccessRule.read(Role.VIEWER, (who, req) -> {
      for (String id : ((WatchExecutionsRequest) req).getExecutionIdsList()) {
        Optional<String> denied = execution(who, owners, id);
        if (denied.isPresent()) return denied;
      }
      return Optional.empty();
    }));
    put(r, TaskServiceGrpc.getGetTaskMethod(), AccessRule.read(Role.VIEWER, task(req -> ((GetTaskRequest) req).getTaskId())));
    // ListTasks has no filter by task id or handler: an identity with allow-lists cannot list
    put(r, TaskServiceGrpc.getListTasksMethod(), AccessRule.read(Role.VIEWER, (who, req) -> AllowList.denial(who, List.of(), List.of())));
    put(r, TaskServiceGrpc.getListExecutionsMethod(), AccessRule.read(Role.VIEWER, (who, req) -> {
      var q = (ListExecutionsRequest) req;
      return AllowList.denial(who, List.of(q.getHandler()), List.of(q.getTaskId()));
    }));
    put(r, TaskServiceGrpc.getListCircuitBreakersMethod(), AccessRule.read(Role.VIEWER,
        (who, req) -> AllowList.denial(who, List.of(((ListCircuitBreakersRequest) req).getHandler()), List.of())));
    put(r, TaskServiceGrpc.getGetStatsMethod(), AccessRule.read(Role.VIEWER, (who, req) -> {
      var q = (GetStatsRequest) req;
      return AllowList.denial(who, List.of(q.getHandler()), List.of(q.getTaskId()));
    }));
    put(r, TaskServiceGrpc.getWatchLifecycleMethod(), AccessRule.read(Role.VIEWER, (who, req) -> {
      var q = (WatchLifecycleRequest) req;
      List<String> handlers = new ArrayList<>(List.of(q.getHandler()));
      List<String> tasks = new ArrayList<>(List.of(q.getTaskId()));
      if (!q.getExecutionId().isEmpty()) {
        Optional<ExecutionOwner> owner = owners.apply(q.getExecutionId());
        if (owner.isEmpty()) return Optional.of("execution '" + q.getExecutionId() + "' is not one " + who.name() + " may watch");
        handlers.add(owner.get().handler());
        tasks.add(owner.get().taskId());
      }
      return AllowList.denial(who, handlers, tasks);
    }));
    put(r, TaskServiceGrpc.getListWorkersMethod(), AccessRule.read(Role.VIEWER,
        (who, req) -> AllowList.denial(who, List.of(((ListWorkersRequest) req).getHandler()), List.of())));
    // touch no handler's or task's data
    put(r, TaskServiceGrpc.getPreviewScheduleMethod(), AccessRule.read(Role.VIEWER, Scope.ANY));
    // every identity may ask who it is (a worker checks its credentials this way)
    put(r, TaskServiceGrpc.getWhoAmIMethod(), AccessRule.anyIdentity());
    // workers: outcomes and output; allow-lists do not apply (a worker runs what Kafka gives it)
    put(r, ResultServiceGrpc.getReportOutcomesMethod(), AccessRule.write(Role.WORKER, Scope.ANY));
    put(r, ResultServiceGrpc.getStreamOutcomesMethod(), AccessRule.write(Role.WORKER, Scope.ANY));
    put(r, ResultServiceGrpc.getReportOutputMethod(), AccessRule.read(Role.WORKER, Scope.ANY));
    // open: load balancers and orchestrators probe without credentials
    put(r, HealthGrpc.getCheckMethod(), AccessRule.open());
    put(r, HealthGrpc.getWatchMethod(), AccessRule.open());
    return Map.copyOf(r);
  }

  private static void put(Map<String, AccessRule> r, MethodDescriptor<?, ?> method, AccessRule rule) {
    Scope scope = rule.scope();
    if (scope != Scope.ANY) {
      // the coordinator's services take raw messages (see GrpcErrors.guard): parse them as the service will
      rule = rule.withScope((who, req) -> {
        Object request = req;
        // as bytes (GrpcErrors' raw marshaller) or as a stream: either way the request the service will parse
        InputStream raw = req instanceof byte[] bytes ? io.taskgrid.coordinator.internal.api.GrpcErrors.knownLength(bytes) : req instanceof InputStream in ? in : null;
        if (raw != null) {
          try {
            request = method.parseRequest(raw);
          } catch (RuntimeException e) {
            return Optional.empty(); // the service cannot parse it either: it answers INVALID_ARGUMENT and does nothing
          }
        }
        return scope.denial(who, request);
      });
    }
    if (r.put(method.getFullMethodName(), rule) != null) throw new IllegalStateException("two rules for " + method.getFullMethodName());
  }

  private static Scope task(Function<Object, String> taskId) {
    return (who, req) -> AllowList.denial(who, List.of(), List.of(taskId.apply(req)));
  }

  private static String executionId(Object req) {
    return switch (req) {
      case GetExecutionRequest g -> g.getExecutionId();
      case WatchExecutionRequest w -> w.getExecutionId();
      case CancelExecutionRequest c -> c.getExecutionId();
      default -> throw new IllegalArgumentException("not a request naming one execution: " + req.getClass().getSimpleName());
    };
  }

  /**
   * An execution's handler and task against the allow-lists. An unknown id is refused too: a
   * restricted identity learns nothing about executions it may not see, not even that they exist.
   */
  private static Optional<String> execution(Identity who, Function<String, Optional<ExecutionOwner>> owners, String executionId) {
    Optional<ExecutionOwner> owner = executionId.isEmpty() ? Optional.empty() : owners.apply(executionId);
    if (owner.isEmpty()) return Optional.of("execution '" + executionId + "' is not one " + who.name() + " may see");
    return AllowList.denial(who, List.of(owner.get().handler()), List.of(owner.get().taskId()));
  }
}
