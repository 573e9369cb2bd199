package io.taskgrid.cli;

import io.taskgrid.proto.v1.PublishEventRequest;
import io.taskgrid.proto.v1.PublishEventResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code taskgrid events publish <name>}. */
@Command(name = "events", description = "Events for event-triggered tasks.", subcommands = EventsCommand.Publish.class)
final class EventsCommand extends Base {
  @Override
  public Integer call() {
    spec.commandLine().usage(ctx().out());
    return TaskgridCli.USAGE;
  }

  @Command(name = "publish", description = "Publishes an event: every task whose event pattern matches its name runs once.")
  static final class Publish extends Base {
    @Parameters(paramLabel = "NAME", description = "The event's name, e.g. user:signup.")
    String name;

    @Option(names = "--data", paramLabel = "JSON", description = "The event's data, JSON text, handed to each triggered handler.")
    String data;

    @Option(names = "--file", paramLabel = "FILE", description = "Read the data from FILE (- is standard input) instead of --data.")
    String file;

    @Override
    public Integer call() {
      if (data != null && file != null) throw new TaskgridCli.UsageException("--data and --file: give one of them, not both");
      PublishEventRequest.Builder req = PublishEventRequest.newBuilder().setName(name);
      if (data != null) req.setData(Inputs.jsonPayload("--data", data));
      if (file != null) req.setData(Inputs.jsonPayload("--file", Inputs.read("--file", file, ctx().in())));
      PublishEventResponse response = ctx().api().call().publishEvent(req.build());
      if (table()) {
        render().line("published " + name + " as " + response.getEventId());
      } else {
        render().message(response, format());
      }
      return TaskgridCli.OK;
    }
  }
}
