package io.taskgrid.cli;

import io.taskgrid.proto.v1.WhoAmIRequest;
import io.taskgrid.proto.v1.WhoAmIResponse;
import picocli.CommandLine.Command;

/** {@code taskgrid whoami}: WhoAmI. */
@Command(name = "whoami", description = "Who the coordinator takes you to be: identity, role, allow-lists.")
final class WhoAmICommand extends Base {
  @Override
  public Integer call() {
    WhoAmIResponse me = ctx().api().call().whoAmI(WhoAmIRequest.getDefaultInstance());
    if (!table()) {
      render().message(me, format());
      return TaskgridCli.OK;
    }
    Fields f = new Fields(render())
        .add("NAME", me.getName())
        .add("ROLE", me.getRole())
        .add("AUTHENTICATED BY", me.getAuthenticatedBy());
    if (me.getAllowedHandlersCount() > 0) f.add("HANDLERS", String.join(",", me.getAllowedHandlersList()));
    if (me.getAllowedTaskPrefixesCount() > 0) f.add("TASK PREFIXES", String.join(",", me.getAllowedTaskPrefixesList()));
    if (!me.getAuthenticationEnabled()) f.add("NOTE", "this coordinator does not authenticate calls", Render.YELLOW);
    f.print();
    return TaskgridCli.OK;
  }
}
