import { InvalidArgumentError } from '../errors';
import type { ConsumerRecord, HistoryEventRecord } from '../consumers/consumer-record';
import type { ScheduleRecord } from '../scheduling/schedule-record';
import type { PreviewedFire } from '../scheduling/schedule-manager';
import type { FireRecord } from '../store/schedule-store';
import type { GroupSummary } from '../tasks/task-manager';
import type { TaskEventRecord, TaskRecord } from '../tasks/task-record';
import { isTaskStateName, type TaskStateName } from '../tasks/states';
import { truncate } from '../validation';
import { formatTerm } from '../consumers/selector';

/**
 * The JSON of the console API: domain records in the API's own vocabulary
 * (the proto field names, snake_case; times as RFC 3339 UTC; durations as
 * "<seconds>s", as protobuf's JSON mapping writes them; states by name),
 * and the parsing of what arrives, each refusal naming its field. No logic
 * beyond shape and units, as server/grpc/convert.ts for gRPC.
 */

type Json = Record<string, unknown>;

export function time(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

function duration(ms: number | null): string | null {
  return ms === null ? null : `${ms / 1000}s`;
}

export function taskJson(t: TaskRecord): Json {
  return {
    id: t.id,
    consumer_id: t.consumerId,
    method: t.method,
    arguments_json: t.argumentsJson,
    state: t.state,
    labels: t.labels,
    idempotency_key: t.idempotencyKey ?? '',
    create_time: time(t.createTime),
    update_time: time(t.updateTime),
    not_before_time: time(t.notBeforeTime),
    not_after_time: time(t.notAfterTime),
    timeout_duration: duration(t.timeoutMs),
    start_time: time(t.startTime),
    end_time: time(t.endTime),
    attempt: t.attempt,
    result_json: t.resultJson ?? '',
    error: t.error && { type: t.error.type, message: t.error.message, details_json: t.error.detailsJson },
    progress: t.progress && { percent: t.progress.percent, message: t.progress.message, details_json: t.progress.detailsJson, report_time: time(t.progress.reportTime) },
    cancel_requested_time: time(t.cancelRequestedTime),
    group_id: t.groupId ?? '',
    schedule_id: t.scheduleId ?? '',
    fire_time: time(t.fireTime),
    traceparent: t.traceparent ?? '',
  };
}

export function eventJson(e: TaskEventRecord): Json {
  return {
    id: e.id,
    type: e.type,
    state: e.state,
    event_time: time(e.eventTime),
    cause: e.cause,
    error: e.error && { type: e.error.type, message: e.error.message, details_json: e.error.detailsJson },
    progress: e.progress && { percent: e.progress.percent, message: e.progress.message, details_json: e.progress.detailsJson },
  };
}

export function consumerJson(c: ConsumerRecord): Json {
  return { id: c.id, display_name: c.displayName, labels: c.labels, create_time: time(c.createTime), last_seen_time: time(c.lastSeenTime), online: c.online ?? false };
}

export function historyJson(h: HistoryEventRecord): Json {
  return { id: h.id, type: h.type, event_time: time(h.eventTime), task_id: h.taskId ?? '', details_json: h.detailsJson };
}

export function scheduleJson(s: ScheduleRecord): Json {
  const { spec } = s;
  return {
    id: s.id,
    cron: spec.cron,
    time_zone: spec.timeZone,
    method: spec.template.method,
    arguments_json: spec.template.argumentsJson,
    labels: spec.template.labels,
    timeout_duration: duration(spec.template.timeoutMs),
    target: { consumer_id: spec.target.consumerId ?? '', consumer_selector: (spec.target.selector?.terms ?? []).map(formatTerm), consumer_id_pattern: spec.target.selector?.idPattern ?? '' },
    window_duration: duration(spec.windowMs),
    start_time: time(spec.startTime),
    end_time: time(spec.endTime),
    overlap_policy: spec.overlapPolicy,
    catch_up_policy: spec.catchUpPolicy,
    paused: s.paused,
    create_time: time(s.createTime),
    next_fire_time: time(s.nextFireTime),
    last_fire_time: time(s.lastFireTime),
    missed_fire_count: s.missedFireCount,
  };
}

export function previewJson(f: PreviewedFire): Json {
  return { fire_time: time(f.fireTime), fire_time_local: f.fireTimeLocal, window_end_time: time(f.windowEnd), window_end_time_local: f.windowEndLocal };
}

export function fireJson(f: FireRecord): Json {
  return { fire_time: time(f.fireTime), outcome: f.outcome, trigger: f.trigger, group_id: f.groupId, task_count: f.taskCount, record_time: time(f.recordTime), detail: f.detail };
}

export function groupJson(g: GroupSummary): Json {
  return { group_id: g.groupId, method: g.method, schedule_id: g.scheduleId ?? '', create_time: time(g.createTime), total: g.total, by_state: g.byState };
}

// ---- what arrives ----

/** An RFC 3339 time with an offset (e.g. 2026-12-01T12:00:00+01:00), as epoch ms; null if absent or empty. */
export function parseTime(field: string, value: unknown): number | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError(field, `${JSON.stringify(truncate(String(value)))} is not an RFC 3339 time with an offset, e.g. 2026-12-01T12:00:00+01:00`);
  }
  return Date.parse(value);
}

/** A duration as protobuf's JSON mapping writes it ("600s", "1.5s"), as ms; null if absent or empty. */
export function parseDuration(field: string, value: unknown): number | null {
  if (value === undefined || value === null || value === '') return null;
  const m = typeof value === 'string' ? /^(\d{1,12})(\.\d{1,9})?s$/.exec(value) : null;
  if (!m) throw new InvalidArgumentError(field, `${JSON.stringify(truncate(String(value)))} is not a duration like "600s"`);
  return Math.round(Number(m[1] + (m[2] ?? '')) * 1000);
}

/** A whole number, or `fallback` when absent. */
export function parseInteger(field: string, value: string | null, fallback: number): number {
  if (value === null || value === '') return fallback;
  if (!/^-?\d{1,10}$/.test(value)) throw new InvalidArgumentError(field, `${JSON.stringify(truncate(value))} is not a whole number`);
  return Number(value);
}

export function parseState(field: string, value: string): TaskStateName {
  const name = value.toUpperCase().replace(/^TASK_STATE_/, '');
  if (!isTaskStateName(name)) throw new InvalidArgumentError(field, `${JSON.stringify(truncate(value))} is not a known task state`);
  return name;
}

/** The fields of a JSON request body, refusing any it does not know and any of the wrong type. */
export function fieldsOf<T extends Record<string, 'string' | 'object' | 'array'>>(body: unknown, shape: T): { [K in keyof T]?: T[K] extends 'string' ? string : T[K] extends 'array' ? unknown[] : Record<string, unknown> } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new InvalidArgumentError('body', 'must be a JSON object');
  for (const [key, value] of Object.entries(body)) {
    const type = shape[key];
    if (!type) throw new InvalidArgumentError(truncate(key), `is not a field of this request (known: ${Object.keys(shape).join(', ')})`);
    if (value === null || value === undefined) continue;
    const actual = Array.isArray(value) ? 'array' : typeof value;
    if (actual !== type) throw new InvalidArgumentError(key, `must be ${type === 'array' ? 'an array' : `a${type === 'object' ? 'n' : ''} ${type}`}, got ${actual}`);
  }
  return body as never;
}
