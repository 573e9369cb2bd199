package io.taskgrid.coordinator.internal.schedule;

import io.taskgrid.core.config.KafkaEndpoint;
import io.taskgrid.core.Threads;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.taskgrid.coordinator.internal.api.ProtoMapping;
import io.taskgrid.telemetry.ExecutionAttributes;
import io.taskgrid.telemetry.Telemetry;
import io.taskgrid.telemetry.MessagingAttributes;
import io.taskgrid.telemetry.TraceContexts;
import io.taskgrid.coordinator.internal.queue.ExecutionMessages;
import io.taskgrid.coordinator.internal.queue.KafkaSetup;
import io.taskgrid.coordinator.internal.registry.KafkaRegistryLog;
import io.taskgrid.coordinator.internal.registry.RegistryCodec;
import io.taskgrid.coordinator.internal.registry.RegistryView;
import io.taskgrid.coordinator.internal.lifecycle.ExecutionEvents;
import io.taskgrid.coordinator.internal.store.ExecutionStore;
import io.taskgrid.coordinator.internal.store.ExecutionStore.NewExecution;
import io.taskgrid.core.ExecutionId;
import io.taskgrid.core.Outcome;
import io.taskgrid.core.Payload;
import io.taskgrid.core.SubmissionLimits;
import io.taskgrid.core.TaskTopics;
import io.taskgrid.core.task.EventName;
import io.taskgrid.core.task.FireProgress;
import io.taskgrid.core.task.RegisteredTask;
import io.taskgrid.core.task.TaskId;
import io.taskgrid.core.task.Trigger;
import io.taskgrid.proto.v1.Event;
import io.taskgrid.proto.v1.TaskMessage;
import io.taskgrid.telemetry.CoordinatorMeters;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's scheduler: turns fire times and events into executions, each exactly once.
 *
 * <p>While this coordinator leads, one thread keeps every scheduled task's next fire in a
 * priority queue and sleeps until the earliest one is due (in a poll of the events topic, so an
 * event or a registry change wakes it at once). Due fires and new events become task messages
 * written in one Kafka transaction together with the tasks' fire progress and the events
 * topic's offsets. Each execution's id is derived from (task, fire time) or (task, event), so the
 * same fire is the same execution on any coordinator.
 *
 * <p>Exactly once across failover: a new leader first initializes the scheduler's transactional
 * producer, which fences the previous leader's producer (its open transaction is aborted, its
 * next commit fails), then reads fire progress to the end and continues from there. A paused
 * former leader therefore cannot write another fire, and nothing it committed is fired again.
 * Fires that fell due while no one led are decided by each task's misfire policy.
 */
public final class ScheduleLoop implements RegistryView.Listener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ScheduleLoop.class);

  /** What the loop needs from its coordinator's configuration. */
  public record Settings(
      KafkaEndpoint kafka,
      String clientId,
      TaskTopics tasksTopics,
      String eventsTopic,
      String eventsGroup,
      String transactionalId,
      ZoneId defaultZone,
      Duration misfireGrace,
      Duration fireAhead,
      SubmissionLimits limits) {}

  /** A fire in the transaction being written, for metrics once it commits. */
  private record Written(String handler, String trigger, Instant dueAt) {}

  private final Settings settings;
  private final RegistryView view;
  private final KafkaRegistryLog registryLog;
  private final ExecutionStore store;
  private final LeaderElection election;
  private final Clock clock;
  private final CoordinatorMeters meters;
  private final OpenTelemetry openTelemetry;
  private final Tracer tracer;
  private final boolean tracing;
  private final Thread thread;
  private final Set<TaskId> changed = ConcurrentHashMap.newKeySet();
  private final AtomicReference<KafkaConsumer<String, byte[]>> wakeable = new AtomicReference<>();
  private volatile boolean running = true;
  private volatile boolean leading;
  /** The decisions of one leadership term, touched only by the loop thread. */
  private final FirePlanner planner;
  private final ExecutionEvents lifecycle;

  /** @param lifecycle where fired executions (once committed) and skipped misfires (once recorded) are emitted */
  public ScheduleLoop(Settings settings, RegistryView view, KafkaRegistryLog registryLog, ExecutionStore store,
      LeaderElection election, Clock clock, CoordinatorMeters meters, OpenTelemetry openTelemetry, ExecutionEvents lifecycle) {
    this.lifecycle = lifecycle;
    this.meters = meters;
    this.openTelemetry = openTelemetry;
    this.tracer = openTelemetry.getTracer("io.taskgrid.coordinator");
    this.tracing = Telemetry.isTracing(openTelemetry);
    this.settings = settings;
    this.view = view;
    this.registryLog = registryLog;
    this.store = store;
    this.election = election;
    this.clock = clock;
    this.planner = new FirePlanner(new FirePlanner.Registry() {
      @Override
      public Optional<RegisteredTask> task(TaskId id) {
        return view.task(id);
      }

      @Override
      public Optional<FireProgress> progress(TaskId id) {
        return view.progress(id);
      }
    }, settings.defaultZone(), settings.misfireGrace(), settings.fireAhead());
    this.thread = new Thread(this::run, "taskgrid-scheduler");
    this.thread.setDaemon(true);
    view.addListener(this);
  }

  public ScheduleLoop start() {
    election.start();
    thread.start();
    return this;
  }

  /** The election this loop leads by. */
  public LeaderElection election() {
    return election;
  }

  /** Whether the loop's thread runs (for liveness). */
  public boolean isAlive() {
    return thread.isAlive();
  }

  /** Whether this coordinator is leading scheduling right now. */
  public boolean isLeading() {
    return leading;
  }

  @Override
  public void taskChanged(TaskId id) {
    if (!leading) return;
    changed.add(id);
    KafkaConsumer<String, byte[]> c = wakeable.get();
    if (c != null) c.wakeup();
  }

  private void run() {
    while (running) {
      if (!election.isLeader()) {
        Threads.pause(100);
        continue;
      }
      try {
        lead();
      } catch (ProducerFencedException | InvalidProducerEpochException e) {
        log.warn("Scheduler fenced: another coordinator took over scheduling ({})", e.toString());
        election.resign();
      } catch (RuntimeException e) {
        if (running) {
          log.warn("Scheduling term ended by an error; starting again: {}", e.toString(), e);
          Threads.pause(500);
        }
      } finally {
        leading = false;
      }
    }
  }

  private void lead() {
    try (KafkaProducer<String, byte[]> producer = newProducer();
        KafkaConsumer<String, byte[]> events = newEventConsumer()) {
      producer.initTransactions(); // fences the previous leader's producer and ends its open transaction
      List<TopicPartition> partitions = events.partitionsFor(settings.eventsTopic()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      events.assign(partitions);
      Map<TopicPartition, OffsetAndMetadata> committed = events.committed(Set.copyOf(partitions));
      for (TopicPartition tp : partitions) {
        OffsetAndMetadata o = committed.get(tp);
        if (o == null) events.seekToBeginning(List.of(tp)); else events.seek(tp, o.offset());
      }
      leading = true;
      registryLog.awaitSync(Duration.ofSeconds(30)); // all progress committed before the fencing is now in the view
      planner.reset();
      changed.clear();
      Instant now = clock.instant();
      int planned = 0;
      for (RegisteredTask t : view.tasks()) {
        if (planner.plan(t.id(), now)) planned++;
      }
      log.info("Leading scheduling: {} scheduled tasks of {}, {} fires queued", planned, view.size(), planner.queued());
      wakeable.set(events);
      try {
        while (running && election.isLeader()) {
          step(producer, events);
        }
      } finally {
        wakeable.set(null);
      }
      if (running) log.warn("Stopped leading scheduling: leadership lease lost");
    }
  }

  private void step(KafkaProducer<String, byte[]> producer, KafkaConsumer<String, byte[]> events) {
    if (!changed.isEmpty()) {
      Instant now = clock.instant();
      for (TaskId id : List.copyOf(changed)) {
        changed.remove(id);
        planner.plan(id, now);
      }
    }
    Instant now = clock.instant();
    List<FirePlanner.Due> due = planner.due(now); // written early, started on time by the worker
    Duration wait = due.isEmpty() && changed.isEmpty() ? planner.sleep(now) : Duration.ZERO;
    ConsumerRecords<String, byte[]> records;
    try {
      records = events.poll(wait);
    } catch (WakeupException e) {
      records = ConsumerRecords.empty();
    }
    if (due.isEmpty() && records.isEmpty() && !planner.hasDecisions()) return;
    fire(producer, events, due, records);
  }

  private void fire(KafkaProducer<String, byte[]> producer, KafkaConsumer<String, byte[]> events, List<FirePlanner.Due> due,
      ConsumerRecords<String, byte[]> records) {
    Instant now = clock.instant();
    List<NewExecution> executions = new ArrayList<>();
    Map<TaskId, FireProgress> progress = new HashMap<>();
    List<FirePlanner.Due> fired = new ArrayList<>();
    List<Written> written = new ArrayList<>();
    List<TaskMessage> queued = new ArrayList<>();
    boolean emitting = lifecycle.events().isOn();
    producer.beginTransaction();
    for (FirePlanner.Due d : due) {
      RegisteredTask task = view.task(d.task()).orElse(null);
      if (task == null || !task.isScheduled()) continue;
      String trigger = triggerOf(task);
      String id = FirePlanner.fireId(task, d.fireTime());
      NewExecution e = ExecutionMessages.execution(id, task, task.definition().payload(), trigger, Optional.of(d.fireTime()),
          Optional.empty(), settings.limits(), now);
      TaskMessage.Builder message = ExecutionMessages.toMessage(e, task, Optional.of(d.fireTime()), Optional.empty()).toBuilder()
          .setNotBefore(ProtoMapping.toProto(d.dueAt()));
      ProducerRecord<String, byte[]> record;
      if (tracing) {
        Span span = fireSpan(Context.root(), id, task, trigger).setAttribute(ExecutionAttributes.FIRE_TIME, d.fireTime().toString()).startSpan();
        record = traced(span, id, message);
      } else {
        record = taskRecord(id, message.build());
      }
      producer.send(record);
      if (emitting) queued.add(message.build());
      FireProgress p = new FireProgress(task.createdAt(), d.fireTime(), id, task.definition().isOneOff());
      progress.put(task.id(), p);
      producer.send(new ProducerRecord<>(registryLog.firesTopic(), task.id().value(), RegistryCodec.toRecord(p).toByteArray()));
      executions.add(e);
      fired.add(d);
      written.add(new Written(task.definition().handler().value(), trigger, d.dueAt()));
    }
    for (var d : planner.dropped().entrySet()) {
      producer.send(new ProducerRecord<>(registryLog.firesTopic(), d.getKey().value(), RegistryCodec.toRecord(d.getValue()).toByteArray()));
      progress.putIfAbsent(d.getKey(), d.getValue());
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    Map<TaskId, FireProgress> eventFires = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r : records) {
      offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
      EventName name;
      try {
        name = EventName.parse("key", r.key());
      } catch (RuntimeException bad) {
        log.warn("Ignoring an event with an invalid name at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), bad.getMessage());
        continue;
      }
      Event event = toEvent(name, r);
      for (RegisteredTask task : view.listenersOf(name)) {
        String id = ExecutionId.derived(Instant.ofEpochMilli(r.timestamp()), "event", task.id().value(), task.createdAt().toString(),
            r.topic(), Integer.toString(r.partition()), Long.toString(r.offset())).value();
        NewExecution e = ExecutionMessages.execution(id, task, task.definition().payload(), "event", Optional.empty(), Optional.of(event),
            settings.limits(), now);
        Instant firedAt = Instant.ofEpochMilli(r.timestamp());
        TaskMessage.Builder message = ExecutionMessages.toMessage(e, task, Optional.of(firedAt), Optional.of(event)).toBuilder();
        if (tracing) {
          // an event whose record carries a trace context (from any instrumented producer) continues its trace
          Span span = fireSpan(KafkaHeaders.extract(openTelemetry, r.headers()), id, task, "event")
              .setAttribute(ExecutionAttributes.EVENT_NAME, name.value()).startSpan();
          producer.send(traced(span, id, message));
        } else {
          producer.send(taskRecord(id, message.build()));
        }
        if (emitting) queued.add(message.build());
        executions.add(e);
        written.add(new Written(task.definition().handler().value(), "event", firedAt));
        // an event task has no schedule to move: its progress is only what GetTask shows as its last fire
        eventFires.merge(task.id(), new FireProgress(task.createdAt(), firedAt, id, false),
            (a, b) -> b.lastFireTime().isBefore(a.lastFireTime()) ? a : b);
      }
    }
    for (var f : eventFires.entrySet()) {
      producer.send(new ProducerRecord<>(registryLog.firesTopic(), f.getKey().value(), RegistryCodec.toRecord(f.getValue()).toByteArray()));
      progress.put(f.getKey(), f.getValue());
    }
    if (!offsets.isEmpty()) {
      producer.sendOffsetsToTransaction(offsets, new ConsumerGroupMetadata(settings.eventsGroup()));
    }
    try {
      producer.commitTransaction();
    } catch (ProducerFencedException | InvalidProducerEpochException e) {
      throw e;
    } catch (KafkaException e) {
      // not committed: this term ends; the next one re-plans from committed progress and offsets
      throw new IllegalStateException("scheduling transaction failed: " + e.getMessage(), e);
    }
    Instant committed = clock.instant();
    for (Written w : written) {
      meters.created(w.handler(), w.trigger(), 1);
      meters.fired(w.trigger(), Duration.between(w.dueAt(), committed));
    }
    recordMisfires(planner.committed(progress, fired), committed);
    if (!executions.isEmpty()) {
      // the records let clients read and watch fired executions at once; a worker rebuilds any that
      // are missing from its message, so a failure here loses nothing
      store.insert(executions).whenComplete((r, error) -> {
        if (error != null) {
          log.warn("Recording {} fired executions in Redis failed (workers will record them): {}", executions.size(), error.toString());
          lifecycle.queued(queued);
          return;
        }
        // a fire written again (a re-plan, a new term) is queued once: its derived id is already recorded
        java.util.Set<String> created = new java.util.HashSet<>();
        for (ExecutionStore.Insert i : r) if (i instanceof ExecutionStore.Insert.Created c) created.add(c.executionId());
        lifecycle.queued(queued.stream().filter(m -> created.remove(m.getExecutionId())).toList());
      });
    }
  }

  private static String triggerOf(RegisteredTask task) {
    return switch (task.definition().trigger()) {
      case Trigger.Cron c -> "cron";
      case Trigger.After a -> "after";
      case Trigger.At a -> "at";
      case Trigger.OnEvent e -> "event";
      case Trigger.OnSuccess s -> "on_success";
      case Trigger.OnDemand o -> "run_now";
    };
  }

  /**
   * Records the fires dropped by misfire policies as SKIPPED executions with reason {@value
   * Outcome.Skipped#MISFIRE}. Ids are derived from the fires, so a leader deciding the same misfire
   * again (after a failover, or a re-plan) finds them recorded: the insert is a duplicate and the
   * first outcome stays.
   */
  private void recordMisfires(List<FirePlanner.Misfire> misfires, Instant now) {
    if (misfires.isEmpty()) return;
    List<NewExecution> inserts = new ArrayList<>();
    List<ExecutionStore.ReportedOutcome> outcomes = new ArrayList<>();
    List<String> taskIds = new ArrayList<>();
    for (FirePlanner.Misfire f : misfires) {
      RegisteredTask task = view.task(f.task()).orElse(null);
      if (task == null) continue;
      Map<String, String> labels = f.summary()
          ? Map.of(ExecutionMessages.SKIPPED_FIRES_LABEL, f.count() + (f.exact() ? "" : "+"),
              ExecutionMessages.SKIPPED_AFTER_LABEL, f.after().toString())
          : Map.of();
      inserts.add(ExecutionMessages.execution(f.executionId(), task, task.definition().payload(), triggerOf(task), Optional.of(f.fireTime()),
          Optional.empty(), labels, settings.limits(), now));
      outcomes.add(new ExecutionStore.ReportedOutcome(f.executionId(), 1, task.definition().handler().value(), settings.clientId(),
          new Outcome.Skipped(now, now, Outcome.Skipped.MISFIRE)));
      taskIds.add(task.id().value());
    }
    if (inserts.isEmpty()) return;
    store.insert(inserts).thenCompose(r -> store.recordEach(outcomes)).whenComplete((changed, error) -> {
      if (error != null) {
        log.warn("Recording {} skipped fires in Redis failed: {}", inserts.size(), error.toString());
      } else {
        lifecycle.recorded(outcomes, taskIds, changed);
      }
    });
  }

  /**
   * The span of one fire: a producer span (messaging semantic conventions) whose context goes in
   * the task message (so redeliveries continue it) and in the record's {@code traceparent} header
   * (so any instrumented consumer joins it). Written by hand rather than by the Kafka
   * instrumentation's producer wrapper, because the same transaction also writes fire progress and
   * offsets, which are no execution's and would each start a trace of their own.
   */
  private io.opentelemetry.api.trace.SpanBuilder fireSpan(Context parent, String executionId, RegisteredTask task, String trigger) {
    String topic = settings.tasksTopics().forPriority(task.definition().priority());
    return tracer.spanBuilder("taskgrid.fire " + topic)
        .setParent(parent)
        .setSpanKind(SpanKind.PRODUCER)
        .setAttribute(MessagingAttributes.SYSTEM, "kafka")
        .setAttribute(MessagingAttributes.OPERATION_TYPE, "send")
        .setAttribute(MessagingAttributes.OPERATION_NAME, "send")
        .setAttribute(MessagingAttributes.DESTINATION_NAME, topic)
        .setAttribute(MessagingAttributes.KAFKA_MESSAGE_KEY, executionId)
        .setAttribute(ExecutionAttributes.EXECUTION_ID, executionId)
        .setAttribute(ExecutionAttributes.TASK_ID, task.id().value())
        .setAttribute(ExecutionAttributes.HANDLER, task.definition().handler().value())
        .setAttribute(ExecutionAttributes.TRIGGER, trigger);
  }

  /** The record of a fire inside {@code span}, which ends here: its context is in the message and the headers. */
  private ProducerRecord<String, byte[]> traced(Span span, String executionId, TaskMessage.Builder message) {
    try {
      Context context = Context.root().with(span);
      Map<String, String> carrier = TraceContexts.inject(openTelemetry, context);
      ProducerRecord<String, byte[]> record = taskRecord(executionId, message.putAllTraceContext(carrier).build());
      carrier.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
      return record;
    } finally {
      span.end();
    }
  }

  /** The record of a fire, on its priority's tasks topic. */
  private ProducerRecord<String, byte[]> taskRecord(String executionId, TaskMessage message) {
    return new ProducerRecord<>(ExecutionMessages.topicOf(settings.tasksTopics(), message), executionId, message.toByteArray());
  }

  private static Event toEvent(EventName name, ConsumerRecord<String, byte[]> r) {
    Header type = r.headers().lastHeader("content-type");
    String contentType = type == null ? Payload.JSON : new String(type.value(), StandardCharsets.UTF_8);
    Payload data;
    try {
      data = new Payload(r.value() == null ? new byte[0] : r.value(), contentType);
    } catch (RuntimeException badType) {
      data = new Payload(r.value() == null ? new byte[0] : r.value(), Payload.OCTET_STREAM);
    }
    return Event.newBuilder().setName(name.value()).setData(ProtoMapping.toProto(data))
        .setPublishedAt(ProtoMapping.toProto(Instant.ofEpochMilli(r.timestamp()))).build();
  }

  private KafkaProducer<String, byte[]> newProducer() {
    Properties p = KafkaSetup.reliableProducer(settings.kafka(), settings.clientId() + "-scheduler",
        settings.limits().maxPayloadBytes() + 64 * 1024);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  private KafkaConsumer<String, byte[]> newEventConsumer() {
    // an idle leader costs the broker two fetches a second, not ten
    Properties c = io.taskgrid.coordinator.internal.queue.KafkaSetup.committedReader(settings.kafka(), settings.clientId() + "-events", 200, 500);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, settings.eventsGroup());
    return new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
  }

  @Override
  public void close() {
    running = false;
    KafkaConsumer<String, byte[]> c = wakeable.get();
    if (c != null) c.wakeup();
    try {
      thread.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    election.close();
  }
}
