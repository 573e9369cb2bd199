package io.taskgrid.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.taskgrid.proto.v1.CreateTaskRequest;
import io.taskgrid.proto.v1.DeleteTaskRequest;
import io.taskgrid.proto.v1.GetTaskRequest;
import io.taskgrid.proto.v1.ListTasksRequest;
import io.taskgrid.proto.v1.ListTasksResponse;
import io.taskgrid.proto.v1.PauseTaskRequest;
import io.taskgrid.proto.v1.ResumeTaskRequest;
import io.taskgrid.proto.v1.RunTaskRequest;
import io.taskgrid.proto.v1.SubmitTaskResponse;
import io.taskgrid.proto.v1.Task;
import io.taskgrid.proto.v1.TaskDefinition;
import io.taskgrid.proto.v1.TaskState;
import io.taskgrid.proto.v1.Trigger;
import io.taskgrid.proto.v1.UpdateTaskRequest;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code taskgrid tasks ...}: registered tasks. */
@Command(name = "tasks", description = "Registered tasks: list, get, create, pause, resume, delete, run.",
    subcommands = {TasksCommand.ListTasks.class, TasksCommand.GetTask.class, TasksCommand.CreateTasks.class, TasksCommand.PauseTask.class,
        TasksCommand.ResumeTask.class, TasksCommand.DeleteTask.class, TasksCommand.RunTask.class})
final class TasksCommand extends Base {
  @Override
  public Integer call() {
    spec.commandLine().usage(ctx().out());
    return TaskgridCli.USAGE;
  }

  static String trigger(TaskDefinition d) {
    if (d.hasSide()) return "side task";
    if (!d.hasTrigger()) return "on demand";
    Trigger t = d.getTrigger();
    return switch (t.getKindCase()) {
      case CRON -> "cron " + t.getCron();
      case AFTER -> "after " + t.getAfter();
      case AT -> "at " + t.getAt();
      case EVENT -> "event " + t.getEvent();
      case ON_SUCCESS -> "on success of " + t.getOnSuccess();
      case KIND_NOT_SET -> "on demand";
    };
  }

  static String state(TaskState s) {
    return Render.name(s, "TASK_STATE_");
  }

  static void printTasks(Render r, List<Task> tasks) {
    Render.Table t = r.table("ID", "HANDLER", "TRIGGER", "STATE", "NEXT FIRE", "LAST FIRE");
    t.style(3, Render::statusStyle);
    for (Task task : tasks) {
      TaskDefinition d = task.getDefinition();
      t.row(d.getId(), d.getHandler(), trigger(d), state(task.getState()), r.when(task.getNextFireTime()), r.when(task.getLastFireTime()));
    }
    t.print();
  }

  @Command(name = "list", description = "Lists tasks, ordered by id.")
  static final class ListTasks extends Base {
    @Option(names = "--state", paramLabel = "STATE", description = "Only tasks in this state: active, paused, disabled, completed.")
    String state;

    @Option(names = "--tag", description = "Only tasks with this tag.")
    String tag;

    @Option(names = "--category", description = "Only tasks in this category.")
    String category;

    @Option(names = "--limit", defaultValue = "1000", description = "At most this many tasks (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
      if (limit < 1) throw new TaskgridCli.UsageException("--limit: must be at least 1, got " + limit);
      ListTasksRequest.Builder req = ListTasksRequest.newBuilder();
      if (state != null) req.setState(Inputs.protoEnum("--state", TaskState.class, "TASK_STATE_", state));
      if (tag != null) req.setTag(tag);
      if (category != null) req.setCategory(category);
      List<Task> tasks = new ArrayList<>();
      String token = "";
      do {
        ListTasksResponse page = ctx().api().call().listTasks(
            req.setPageSize(Math.min(1000, limit - tasks.size())).setPageToken(token).build());
        tasks.addAll(page.getTasksList());
        token = page.getNextPageToken();
      } while (!token.isEmpty() && tasks.size() < limit);
      if (table()) {
        printTasks(render(), tasks);
      } else {
        render().message(ListTasksResponse.newBuilder().addAllTasks(tasks).setNextPageToken(token).build(), format());
      }
      return TaskgridCli.OK;
    }
  }

  @Command(name = "get", description = "Shows one task: its definition, state, next and last fire.")
  static final class GetTask extends Base {
    @Parameters(paramLabel = "TASK_ID")
    String id;

    @Override
    public Integer call() {
      Task task = ctx().api().call().getTask(GetTaskRequest.newBuilder().setTaskId(id).build());
      if (!table()) {
        render().message(task, format());
        return TaskgridCli.OK;
      }
      Render r = render();
      TaskDefinition d = task.getDefinition();
      Fields f = new Fields(r);
      f.add("id", d.getId());
      if (!d.getName().isEmpty() && !d.getName().equals(d.getId())) f.add("name", d.getName());
      if (!d.getDescription().isEmpty()) f.add("description", d.getDescription());
      f.add("handler", d.getHandler());
      f.add("trigger", trigger(d) + (d.getTimeZone().isEmpty() ? "" : " (" + d.getTimeZone() + ")"));
      f.add("state", state(task.getState()), Render.statusStyle(state(task.getState())));
      f.add("next fire", r.when(task.getNextFireTime()) + at(task.getNextFireTime()));
      f.add("last fire", r.when(task.getLastFireTime()) + at(task.getLastFireTime()));
      if (!task.getLastExecutionId().isEmpty()) f.add("last execution", task.getLastExecutionId());
      if (d.getTagsCount() > 0) f.add("tags", String.join(", ", d.getTagsList()));
      if (!d.getCategory().isEmpty()) f.add("category", d.getCategory());
      if (d.hasPayload()) f.add("payload", d.getPayload().getData().toStringUtf8());
      if (d.getDependsOnCount() > 0) f.add("depends on", String.join(", ", d.getDependsOnList()));
      if (!d.getCondition().isEmpty()) f.add("condition", d.getCondition());
      if (d.hasPolicy()) f.add("policy", Render.json(d.getPolicy(), true));
      if (task.hasSideState()) {
        var s = task.getSideState();
        f.add("side task", (s.getRunning() ? "running on " + s.getWorker() + " since " + r.when(s.getSince()) : "not running")
            + ", " + s.getRestarts() + " restarts" + (s.getLastError().isEmpty() ? "" : ", last error " + s.getLastError()));
      }
      f.add("created", r.when(task.getCreatedAt()));
      f.add("updated", r.when(task.getUpdatedAt()));
      f.add("revision", Long.toString(task.getRevision()));
      f.print();
      return TaskgridCli.OK;
    }

    private static String at(com.google.protobuf.Timestamp t) {
      return Render.isSet(t) ? " (" + Render.instant(t) + ")" : "";
    }
  }

  @Command(name = "create", description = {
      "Registers the tasks of a YAML file in the coordinator's tasks file format (tasks: and a list;",
      "${NAME:-default} reads the environment). A task already registered with the same definition is left",
      "as it is; with a different one it is an error unless --update is given."})
  static final class CreateTasks extends Base {
    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "The YAML file; - reads standard input.")
    String file;

    @Option(names = "--update", description = "Replace the definition of tasks that exist with another one (UpdateTask).")
    boolean update;

    @Override
    public Integer call() {
      String yaml = Inputs.read("--file", file, ctx().in());
      List<TaskDefinition> defs = TasksFile.parse(yaml, ctx().env());
      if (defs.isEmpty()) throw new TaskgridCli.UsageException("--file: " + file + " holds no tasks");
      List<Task> created = new ArrayList<>();
      Render r = render();
      for (int i = 0; i < defs.size(); i++) {
        TaskDefinition d = defs.get(i);
        String where = "tasks[" + i + "] (id \"" + d.getId() + "\")";
        Task task;
        String verb = "registered";
        try {
          task = ctx().api().call().createTask(CreateTaskRequest.newBuilder().setTask(d).build());
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS && update) {
            task = ctx().api().call().updateTask(UpdateTaskRequest.newBuilder().setTask(d).build());
            verb = "updated";
          } else {
            String hint = e.getStatus().getCode() == Status.Code.ALREADY_EXISTS ? " (--update replaces it)" : "";
            throw e.getStatus().withDescription(where + ": " + e.getStatus().getDescription() + hint).asRuntimeException();
          }
        }
        created.add(task);
        if (table()) {
          r.line(verb + " " + task.getDefinition().getId() + ": " + state(task.getState()) + ", " + trigger(task.getDefinition())
              + (Render.isSet(task.getNextFireTime()) ? ", next fire " + r.when(task.getNextFireTime()) : "") + ", revision " + task.getRevision());
        }
      }
      if (!table()) render().message(ListTasksResponse.newBuilder().addAllTasks(created).build(), format());
      return TaskgridCli.OK;
    }
  }

  @Command(name = "pause", description = "Stops a task's trigger from firing until resume.")
  static final class PauseTask extends Base {
    @Parameters(paramLabel = "TASK_ID")
    String id;

    @Override
    public Integer call() {
      Task task = ctx().api().call().pauseTask(PauseTaskRequest.newBuilder().setTaskId(id).build());
      print(this, task, "paused");
      return TaskgridCli.OK;
    }
  }

  @Command(name = "resume", description = "Lets a paused task fire again from now on (fires missed while paused are not run).")
  static final class ResumeTask extends Base {
    @Parameters(paramLabel = "TASK_ID")
    String id;

    @Override
    public Integer call() {
      Task task = ctx().api().call().resumeTask(ResumeTaskRequest.newBuilder().setTaskId(id).build());
      print(this, task, "resumed");
      return TaskgridCli.OK;
    }
  }

  private static void print(Base command, Task task, String verb) {
    Render r = command.render();
    if (command.table()) {
      r.line(verb + " " + task.getDefinition().getId() + ": " + state(task.getState())
          + (Render.isSet(task.getNextFireTime()) ? ", next fire " + r.when(task.getNextFireTime()) : ""));
    } else {
      r.message(task, command.format());
    }
  }

  @Command(name = "delete", description = "Removes a task; executions already queued still run.")
  static final class DeleteTask extends Base {
    @Parameters(paramLabel = "TASK_ID")
    String id;

    @Override
    public Integer call() {
      var response = ctx().api().call().deleteTask(DeleteTaskRequest.newBuilder().setTaskId(id).build());
      if (table()) {
        render().line("deleted " + id);
      } else {
        render().message(response, format());
      }
      return TaskgridCli.OK;
    }
  }

  @Command(name = "run", description = "Runs a registered task now, with its payload or the one given; prints the execution id.")
  static final class RunTask extends Base {
    @Parameters(paramLabel = "TASK_ID")
    String id;

    @ArgGroup(exclusive = true)
    PayloadOptions payload;

    @Override
    public Integer call() {
      RunTaskRequest.Builder req = RunTaskRequest.newBuilder().setTaskId(id);
      if (payload != null) req.setPayload(payload.payload(ctx()));
      SubmitTaskResponse response = ctx().api().call().runTask(req.build());
      if (table()) {
        render().line(response.getExecutionId());
      } else {
        render().message(response, format());
      }
      return TaskgridCli.OK;
    }
  }
}
