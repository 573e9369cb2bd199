package io.taskgrid.coordinator.internal.watch;

import io.taskgrid.proto.v1.OutputLine;
import java.util.List;
import java.util.function.Consumer;

/** Output lines of running programs, passed between coordinators (best effort: nothing is stored). */
public interface OutputFeed {
  /** Publishes lines to every coordinator's subscribers. */
  void publish(List<OutputLine> lines);

  /** Receives the lines published anywhere in the cluster. */
  void subscribe(Consumer<List<OutputLine>> listener);

  /** A feed that carries nothing (for coordinators in tests without live output). */
  OutputFeed NONE = new OutputFeed() {
    @Override
    public void publish(List<OutputLine> lines) {}

    @Override
    public void subscribe(Consumer<List<OutputLine>> listener) {}
  };
}
