package io.taskgrid.coordinator.internal.registry;

import io.taskgrid.wire.PolicyMapping;
import io.taskgrid.coordinator.internal.api.ProtoMapping;
import io.taskgrid.core.Durations;
import io.taskgrid.core.SubmissionLimits;
import io.taskgrid.core.schedule.MisfirePolicy;
import io.taskgrid.core.task.FireProgress;
import io.taskgrid.core.task.Preconditions;
import io.taskgrid.core.task.RegisteredTask;
import io.taskgrid.core.task.SideTask;
import io.taskgrid.core.task.TaskDefinition;
import io.taskgrid.core.task.TaskDraft;
import io.taskgrid.core.task.TaskId;
import io.taskgrid.core.task.Trigger;
import io.taskgrid.proto.v1.FireRecord;
import io.taskgrid.proto.v1.TaskRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;

/** Registered tasks between the domain and their protobuf form (API and registry topics). */
public final class RegistryCodec {
  /** Stored definitions are read back with no size limits: limits apply when they are written. */
  private static final SubmissionLimits STORED = new SubmissionLimits(Integer.MAX_VALUE, Duration.ofMinutes(5), Duration.ofDays(3650), 1);

  private RegistryCodec() {}

  /**
   * Validates a definition a client sent (or one stored earlier, with {@code limits} {@link
   * #STORED}); a bad field is an InvalidArgumentException naming it relative to the definition.
   */
  public static TaskDefinition toDefinition(io.taskgrid.proto.v1.TaskDefinition d, SubmissionLimits limits, ZoneId defaultZone) {
    TaskDefinition definition = toDraft(d).validate(limits, defaultZone);
    if (d.hasSide()) definition = definition.withSide(toSide(d.getSide()));
    if (d.getTrigger().getKindCase() == io.taskgrid.proto.v1.Trigger.KindCase.ON_SUCCESS) {
      definition = definition.withTrigger(onSuccess(definition.id(), d.getTrigger().getOnSuccess()));
    }
    definition = definition.withPreconditions(Preconditions.parse(definition.id(), d.getCondition(), d.getDependsOnList(),
        d.hasDependencyWindow() ? ProtoMapping.toDuration("dependency_window", d.getDependencyWindow()) : null,
        d.hasDependencyWait() ? ProtoMapping.toDuration("dependency_wait", d.getDependencyWait()) : null));
    if (!d.hasPolicy()) return definition;
    return definition.withPolicy(PolicyMapping.fromProto(d.getPolicy(), definition.handler().value(), definition.id().value()));
  }

  /** A side task's restart policy; unset values are the defaults. */
  public static SideTask toSide(io.taskgrid.proto.v1.SideTask s) {
    return SideTask.of(
        s.hasRestartInitialDelay() ? ProtoMapping.toDuration("side.restart_initial_delay", s.getRestartInitialDelay()) : null,
        s.hasRestartMaxDelay() ? ProtoMapping.toDuration("side.restart_max_delay", s.getRestartMaxDelay()) : null,
        s.getRestartMultiplier());
  }

  /** An {@code on_success} trigger; a task following its own success is the shortest cycle. */
  public static Trigger.OnSuccess onSuccess(TaskId self, String upstream) {
    TaskId task = TaskId.parse("trigger.on_success", upstream);
    if (task.equals(self)) throw new io.taskgrid.core.InvalidArgumentException("trigger.on_success", "cycle " + self + " -> " + self);
    return new Trigger.OnSuccess(task);
  }

  /** The draft a client sent; validation turns it into a definition. */
  public static TaskDraft toDraft(io.taskgrid.proto.v1.TaskDefinition d) {
    io.taskgrid.proto.v1.Trigger t = d.getTrigger();
    return new TaskDraft(
        d.getId(),
        d.getName(),
        d.getDescription(),
        d.getHandler(),
        d.hasPayload() ? ProtoMapping.toPayload(d.getPayload()) : null,
        t.getKindCase() == io.taskgrid.proto.v1.Trigger.KindCase.CRON ? t.getCron() : null,
        t.getKindCase() == io.taskgrid.proto.v1.Trigger.KindCase.AFTER ? t.getAfter() : null,
        t.getKindCase() == io.taskgrid.proto.v1.Trigger.KindCase.AT ? t.getAt() : null,
        t.getKindCase() == io.taskgrid.proto.v1.Trigger.KindCase.EVENT ? t.getEvent() : null,
        d.getTimeZone(),
        d.hasEnabled() ? d.getEnabled() : null,
        new ArrayList<>(d.getTagsList()),
        d.getCategory(),
        d.getMetadataMap(),
        switch (d.getMisfirePolicy()) {
          case MISFIRE_POLICY_SKIP -> "skip";
          case MISFIRE_POLICY_CATCH_UP -> "catch_up";
          case MISFIRE_POLICY_FIRE_ONCE, MISFIRE_POLICY_UNSPECIFIED -> "fire_once";
          case UNRECOGNIZED -> "misfire_policy(" + d.getMisfirePolicyValue() + ")";
        },
        d.hasCatchUpWindow() ? ProtoMapping.toDuration("catch_up_window", d.getCatchUpWindow()) : null,
        d.hasJitter() ? ProtoMapping.toDuration("jitter", d.getJitter()) : null,
        d.hasTimeout() ? ProtoMapping.toDuration("timeout", d.getTimeout()) : null,
        ProtoMapping.toPriority(d.getPriorityValue()));
  }

  /** The canonical protobuf form of a definition. */
  public static io.taskgrid.proto.v1.TaskDefinition toProto(TaskDefinition d) {
    var b = io.taskgrid.proto.v1.TaskDefinition.newBuilder()
        .setId(d.id().value())
        .setName(d.name())
        .setDescription(d.description())
        .setHandler(d.handler().value())
        .setPayload(ProtoMapping.toProto(d.payload()))
        .setTimeZone(d.zone().map(ZoneId::getId).orElse(""))
        .setEnabled(d.enabled())
        .addAllTags(d.tags())
        .setCategory(d.category())
        .putAllMetadata(d.metadata().values())
        .setPriority(ProtoMapping.toProto(d.priority()));
    var t = io.taskgrid.proto.v1.Trigger.newBuilder();
    switch (d.trigger()) {
      case Trigger.Cron c -> b.setTrigger(t.setCron(c.expression()));
      case Trigger.After a -> b.setTrigger(t.setAfter(Durations.format(a.delay())));
      case Trigger.At at -> b.setTrigger(t.setAt(at.instant().toString()));
      case Trigger.OnEvent e -> b.setTrigger(t.setEvent(e.pattern().value()));
      case Trigger.OnSuccess s -> b.setTrigger(t.setOnSuccess(s.task().value()));
      case Trigger.OnDemand o -> { }
    }
    switch (d.misfirePolicy()) {
      case MisfirePolicy.Skip s -> b.setMisfirePolicy(io.taskgrid.proto.v1.MisfirePolicy.MISFIRE_POLICY_SKIP);
      case MisfirePolicy.FireOnce f -> b.setMisfirePolicy(io.taskgrid.proto.v1.MisfirePolicy.MISFIRE_POLICY_FIRE_ONCE);
      case MisfirePolicy.CatchUp c -> b.setMisfirePolicy(io.taskgrid.proto.v1.MisfirePolicy.MISFIRE_POLICY_CATCH_UP)
          .setCatchUpWindow(ProtoMapping.toProto(c.window()));
    }
    if (!d.jitter().isZero()) b.setJitter(ProtoMapping.toProto(d.jitter()));
    d.timeout().ifPresent(x -> b.setTimeout(ProtoMapping.toProto(x)));
    if (!d.policy().isEmpty()) b.setPolicy(PolicyMapping.toProto(d.policy()));
    d.side().ifPresent(s -> b.setSide(io.taskgrid.proto.v1.SideTask.newBuilder()
        .setRestartInitialDelay(ProtoMapping.toProto(s.initialDelay()))
        .setRestartMaxDelay(ProtoMapping.toProto(s.maxDelay()))
        .setRestartMultiplier(s.multiplier())));
    Preconditions pre = d.preconditions();
    pre.condition().ifPresent(c -> b.setCondition(c.value()));
    if (!pre.dependsOn().isEmpty()) {
      pre.dependsOn().forEach(dep -> b.addDependsOn(dep.value()));
      b.setDependencyWindow(ProtoMapping.toProto(pre.window()));
      if (!pre.waitFor().isZero()) b.setDependencyWait(ProtoMapping.toProto(pre.waitFor()));
    }
    return b.build();
  }

  public static TaskRecord toRecord(RegisteredTask t) {
    return TaskRecord.newBuilder()
        .setDefinition(toProto(t.definition()))
        .setPaused(t.paused())
        .setCreatedAt(ProtoMapping.toProto(t.createdAt()))
        .setUpdatedAt(ProtoMapping.toProto(t.updatedAt()))
        .setScheduleFrom(ProtoMapping.toProto(t.scheduleFrom()))
        .setRevision(t.revision())
        .build();
  }

  /** Reads a stored task; {@code defaultZone} only matters for definitions without a zone. */
  public static RegisteredTask fromRecord(TaskRecord r, ZoneId defaultZone) {
    TaskDefinition d = toDefinition(r.getDefinition(), STORED, defaultZone);
    // the three instants are often equal: one object then, which a million tasks notice
    Instant created = ProtoMapping.toInstant("created_at", r.getCreatedAt());
    Instant updated = r.getUpdatedAt().equals(r.getCreatedAt()) ? created : ProtoMapping.toInstant("updated_at", r.getUpdatedAt());
    Instant from = r.getScheduleFrom().equals(r.getCreatedAt()) ? created
        : r.getScheduleFrom().equals(r.getUpdatedAt()) ? updated : ProtoMapping.toInstant("schedule_from", r.getScheduleFrom());
    return new RegisteredTask(d, r.getPaused(), created, updated, from, r.getRevision());
  }

  public static FireRecord toRecord(FireProgress p) {
    return FireRecord.newBuilder()
        .setTaskCreatedAt(ProtoMapping.toProto(p.taskCreatedAt()))
        .setLastFireTime(ProtoMapping.toProto(p.lastFireTime()))
        .setLastExecutionId(p.lastExecutionId())
        .setCompleted(p.completed())
        .build();
  }

  public static FireProgress fromRecord(FireRecord r) {
    return new FireProgress(ProtoMapping.toInstant("task_created_at", r.getTaskCreatedAt()), ProtoMapping.toInstant("last_fire_time", r.getLastFireTime()),
        r.getLastExecutionId(), r.getCompleted());
  }
}
