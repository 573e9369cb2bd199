package io.taskgrid.client;

import io.taskgrid.client.internal.Calls;
import io.taskgrid.client.internal.ClientOptions;
import io.taskgrid.client.internal.Convert;
import io.taskgrid.proto.v1.PublishEventRequest;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import java.util.Objects;

/**
 * Publishes events: every registered task whose {@linkplain TaskDefinition.Builder#onEvent event
 * pattern} matches an event's name gets one execution: its payload is the task's own, and the
 * handler reads the event (name, data, publication time) from {@code TaskContext.event()}. Get
 * it from {@link TaskgridClient#events()}; it is thread-safe.
 *
 * <pre>{@code
 * client.tasks().create(TaskDefinition.builder("welcome-mail", "email.welcome").onEvent("user:signup").build());
 * client.events().publish("user:signup", Payload.json(Map.of("userId", 42)));
 * }</pre>
 *
 * <p>Events travel on a Kafka topic ({@code taskgrid.events} unless configured) whose record key
 * is the event name and value the data, with an optional {@code content-type} header; any Kafka
 * producer may publish to it directly. Publishing is bounded by the client's {@linkplain
 * TaskgridClient.Builder#submitDeadline submit deadline} and, as repeating it would publish the
 * event twice, is not retried when a coordinator is unavailable.
 */
public final class Events {
  private final Calls calls;
  private final ClientOptions options;

  Events(Calls calls, ClientOptions options) {
    this.calls = calls;
    this.options = options;
  }

  /**
   * Publishes an event with data. Returns once the event is durably on the events topic.
   *
   * @param name the event's name, for example {@code user:signup}: 1 to 200 characters, a letter
   *     or digit first, then letters, digits and {@code . _ - : /}
   * @param data the data handed to each triggered handler (at most the payload limit)
   * @return the event's id, where it was written: {@code <topic>-<partition>@<offset>}
   * @throws TaskgridInvalidArgumentException when the name or data is invalid
   * @throws TaskgridUnavailableException when no coordinator answered in time (the event may or
   *     may not have been published)
   */
  public String publish(String name, Payload data) {
    var request = PublishEventRequest.newBuilder()
        .setName(Objects.requireNonNull(name, "name"))
        .setData(Convert.toProto(Objects.requireNonNull(data, "data")))
        .build();
    return calls.call(TaskServiceGrpc.getPublishEventMethod(), request, options.submitDeadline(), false).getEventId();
  }

  /**
   * Publishes an event without data.
   *
   * @param name the event's name
   * @return the event's id, {@code <topic>-<partition>@<offset>}
   * @throws TaskgridInvalidArgumentException when the name is invalid
   * @throws TaskgridUnavailableException when no coordinator answered in time (the event may or
   *     may not have been published)
   */
  public String publish(String name) {
    var request = PublishEventRequest.newBuilder().setName(Objects.requireNonNull(name, "name")).build();
    return calls.call(TaskServiceGrpc.getPublishEventMethod(), request, options.submitDeadline(), false).getEventId();
  }
}
