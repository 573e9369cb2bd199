package io.taskgrid.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command: its {@link #call} returns the exit code; errors are thrown and mapped by {@link TaskgridCli}. */
abstract class Base implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  Context ctx() {
    return ((TaskgridCli) spec.root().userObject()).context();
  }

  Render render() {
    return ctx().render();
  }

  TaskgridCli.Format format() {
    return ctx().format();
  }

  boolean table() {
    return format() == TaskgridCli.Format.table;
  }
}
