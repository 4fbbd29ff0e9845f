import { InvalidArgumentError } from '../errors';
import { isTaskStateName, type TaskStateName } from '../tasks/states';
import type { TaskEventRecord, TaskRecord } from '../tasks/task-record';
import type { ConsumerRecord, HistoryEventRecord } from '../consumers/consumer-record';
import type { Timestamp__Output } from '../../protos/generated/google/protobuf/Timestamp';
import type { Duration__Output } from '../../protos/generated/google/protobuf/Duration';
import type { Task } from '../../protos/generated/taskplane/v1/Task';
import type { TaskEvent } from '../../protos/generated/taskplane/v1/TaskEvent';
import type { Consumer } from '../../protos/generated/taskplane/v1/Consumer';
import type { HistoryEvent } from '../../protos/generated/taskplane/v1/HistoryEvent';
import type { ScheduledFire } from '../../protos/generated/taskplane/v1/ScheduledFire';
import type { TimelineEntry } from '../../protos/generated/taskplane/v1/TimelineEntry';
import type { PreviewedFire } from '../scheduling/schedule-manager';
import type { TimelineEntryRecord } from '../consumers/consumer-timeline';
import type { RolloutPolicy__Output } from '../../protos/generated/taskplane/v1/RolloutPolicy';
import type { TaskGroup } from '../../protos/generated/taskplane/v1/TaskGroup';
import type { TaskGroupEvent } from '../../protos/generated/taskplane/v1/TaskGroupEvent';
import type { GroupEventRecord, RolloutPolicy } from '../tasks/rollout';
import type { TaskGroupView } from '../tasks/task-manager';
import { durationMs, msToDuration, msToTimestamp, timestampMs } from '../../common/proto-time';

/**
 * Translation between proto messages and domain records. No logic beyond
 * shape and units; the unit arithmetic is common/proto-time.ts, and what
 * arrives from a client is range-checked here first.
 */

const PROTO_STATE_PREFIX = 'TASK_STATE_';
// Timestamps the API accepts: 0001-01-01 to 9999-12-31, as google.protobuf.Timestamp defines.
const MIN_SECONDS = -62135596800;
const MAX_SECONDS = 253402300799;

/** A received Timestamp -> epoch ms, refusing one outside 0001-9999 or with bad nanos (the error names `field`). */
export function timestampToMs(field: string, ts: Timestamp__Output | null | undefined): number | null {
  if (!ts) return null;
  const seconds = Number(ts.seconds);
  const nanos = ts.nanos ?? 0;
  if (!Number.isSafeInteger(seconds) || seconds < MIN_SECONDS || seconds > MAX_SECONDS) throw new InvalidArgumentError(field, 'seconds is out of range');
  if (!Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999) throw new InvalidArgumentError(field, 'nanos must be between 0 and 999999999');
  return timestampMs(ts);
}

/** A [from, to) filter; `to` must not be before `from`. Field names are `${prefix}_from` and `${prefix}_to`. */
export function timeRange(prefix: string, from: Timestamp__Output | null, to: Timestamp__Output | null) {
  const fromMs = timestampToMs(`${prefix}_from`, from);
  const toMs = timestampToMs(`${prefix}_to`, to);
  if (fromMs !== null && toMs !== null && toMs < fromMs) throw new InvalidArgumentError(`${prefix}_to`, `is before ${prefix}_from`);
  return { from: fromMs ?? undefined, to: toMs ?? undefined };
}

/** A received Duration -> ms, refusing one beyond +-10,000 years or with bad nanos (the error names `field`). */
export function durationToMs(field: string, d: Duration__Output | null | undefined): number | null {
  if (!d) return null;
  const seconds = Number(d.seconds);
  const nanos = d.nanos ?? 0;
  if (!Number.isSafeInteger(seconds) || Math.abs(seconds) > 315_576_000_000) throw new InvalidArgumentError(field, 'seconds is out of range');
  if (!Number.isInteger(nanos) || Math.abs(nanos) > 999_999_999 || (seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0)) {
    throw new InvalidArgumentError(field, 'nanos must be between -999999999 and 999999999 with the sign of seconds');
  }
  return durationMs(d);
}

export function stateToProto(state: TaskStateName): string {
  return PROTO_STATE_PREFIX + state;
}

/** Accepts "TASK_STATE_WAITING" (or "WAITING"); anything else, including unknown enum numbers, is refused. */
export function stateFromProto(field: string, value: unknown): TaskStateName {
  const name = typeof value === 'string' && value.startsWith(PROTO_STATE_PREFIX) ? value.slice(PROTO_STATE_PREFIX.length) : String(value);
  if (!isTaskStateName(name)) throw new InvalidArgumentError(field, `${JSON.stringify(value)} is not a known task state`);
  return name;
}

export function taskToProto(task: TaskRecord): Task {
  return {
    id: task.id,
    consumerId: task.consumerId,
    method: task.method,
    argumentsJson: task.argumentsJson,
    state: stateToProto(task.state) as Task['state'],
    labels: task.labels,
    idempotencyKey: task.idempotencyKey ?? '',
    createTime: msToTimestamp(task.createTime),
    updateTime: msToTimestamp(task.updateTime),
    notBeforeTime: msToTimestamp(task.notBeforeTime),
    notAfterTime: msToTimestamp(task.notAfterTime),
    timeoutDuration: msToDuration(task.timeoutMs),
    startTime: msToTimestamp(task.startTime),
    endTime: msToTimestamp(task.endTime),
    attempt: task.attempt,
    resultJson: task.resultJson ?? '',
    error: task.error,
    progress: task.progress && {
      percent: task.progress.percent,
      message: task.progress.message,
      detailsJson: task.progress.detailsJson,
      reportTime: msToTimestamp(task.progress.reportTime),
    },
    cancelRequestedTime: msToTimestamp(task.cancelRequestedTime),
    groupId: task.groupId ?? '',
    scheduleId: task.scheduleId ?? '',
    fireTime: msToTimestamp(task.fireTime),
    lateOutcome: task.lateOutcome && { reportTime: msToTimestamp(task.lateOutcome.reportTime), resultJson: task.lateOutcome.resultJson ?? '', error: task.lateOutcome.error },
    createdBy: task.createdBy ?? '',
    traceparent: task.traceparent ?? '',
  };
}

export function taskEventToProto(event: TaskEventRecord): TaskEvent {
  return {
    id: String(event.id),
    taskId: event.taskId,
    type: `TASK_EVENT_TYPE_${event.type}` as TaskEvent['type'],
    state: stateToProto(event.state) as TaskEvent['state'],
    eventTime: msToTimestamp(event.eventTime),
    cause: event.cause,
    error: event.error,
    progress: event.progress && { ...event.progress, reportTime: msToTimestamp(event.eventTime) },
  };
}

export function consumerToProto(consumer: ConsumerRecord): Consumer {
  return {
    id: consumer.id,
    displayName: consumer.displayName,
    labels: consumer.labels,
    createTime: msToTimestamp(consumer.createTime),
    lastSeenTime: msToTimestamp(consumer.lastSeenTime ?? null),
    online: consumer.online ?? false,
    credentialRevoked: consumer.credentialRevoked ?? false,
    previousCredentialExpireTime: msToTimestamp(consumer.previousCredentialExpireTime ?? null),
    agentVersion: consumer.agent?.agentVersion ?? '',
    methods: consumer.agent?.methods ?? [],
    helloTime: msToTimestamp(consumer.agent?.helloTime ?? null),
  };
}

export function scheduledFireToProto(fire: PreviewedFire): ScheduledFire {
  return { fireTime: msToTimestamp(fire.fireTime), fireTimeLocal: fire.fireTimeLocal, windowEndTime: msToTimestamp(fire.windowEnd), windowEndTimeLocal: fire.windowEndLocal };
}

export function timelineEntryToProto(entry: TimelineEntryRecord): TimelineEntry {
  const time = msToTimestamp(entry.time);
  switch (entry.kind) {
    case 'task':
      return { time, task: taskToProto(entry.task) };
    case 'history':
      return { time, historyEvent: historyEventToProto(entry.event) };
    case 'fire':
      return { time, upcomingFire: { scheduleId: entry.fire.scheduleId, method: entry.fire.method, timeZone: entry.fire.timeZone, fire: scheduledFireToProto(entry.fire.fire) } };
  }
}

export function historyEventToProto(event: HistoryEventRecord): HistoryEvent {
  return {
    id: String(event.id),
    consumerId: event.consumerId,
    type: event.type,
    eventTime: msToTimestamp(event.eventTime),
    taskId: event.taskId ?? '',
    detailsJson: event.detailsJson,
  };
}

/** An int64 that arrived as a string (longs: String); refuses anything but a non-negative integer. */
export function parseId(field: string, value: string | number | undefined): number {
  const n = Number(value ?? 0);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(field, `must be a non-negative integer, got ${JSON.stringify(value)}`);
  return n;
}

/** A RolloutPolicy message as given (0 meaning unset), or null when absent. */
export function rolloutFromProto(policy: RolloutPolicy__Output | null | undefined): RolloutPolicy | null {
  if (!policy) return null;
  return { canaryCount: policy.canaryCount, waveSize: policy.waveSize, wavePercent: policy.wavePercent, maxFailurePercent: policy.maxFailurePercent };
}

export function taskGroupToProto(view: TaskGroupView): TaskGroup {
  const { rollout, tally } = view;
  return {
    groupId: view.groupId,
    state: `TASK_GROUP_STATE_${view.state}` as TaskGroup['state'],
    rollout: rollout ? rollout.policy : null,
    currentWave: rollout?.currentWave ?? 0,
    waveCount: rollout?.waveCount ?? 1,
    pauseReason: rollout?.pauseReason ?? '',
    total: tally.total,
    succeeded: tally.succeeded,
    failed: tally.failed,
    canceled: tally.canceled,
    held: tally.held,
    method: view.method,
    createTime: msToTimestamp(view.createTime),
  };
}

export function groupEventToProto(event: GroupEventRecord): TaskGroupEvent {
  return {
    id: String(event.id),
    groupId: event.groupId,
    type: `TASK_GROUP_EVENT_TYPE_${event.type}` as TaskGroupEvent['type'],
    wave: event.wave,
    eventTime: msToTimestamp(event.eventTime),
    cause: event.cause,
    state: `TASK_GROUP_STATE_${event.state}` as TaskGroupEvent['state'],
  };
}
