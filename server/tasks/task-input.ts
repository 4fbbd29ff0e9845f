import crypto from 'node:crypto';
import type { TaskDraft } from './task-record';
import { InvalidArgumentError } from '../errors';
import { stableStringify } from '../paging';
import { optionalText, optionalTraceparent, requireConsumerId, truncate, validateLabels } from '../validation';
import type { TaskFilter } from '../store/task-store';

/** CreateTask as the domain receives it (times in epoch ms, null = unset). */
export interface CreateTaskInput {
  consumerId: string;
  method: string;
  argumentsJson: string;
  notBeforeTime: number | null;
  notAfterTime: number | null;
  /** The window relative to the server's clock at creation (null or absent: not given); resolved into the times above. */
  notBeforeDelayMs?: number | null;
  notAfterDelayMs?: number | null;
  timeoutMs: number | null;
  labels: Record<string, string>;
  idempotencyKey: string;
  /** The caller's W3C trace context, stored with the task and handed to its agent (null or absent: none). */
  traceparent?: string | null;
  /** Create it even if the consumer's agent does not offer the method (server/tasks/offered-methods.ts). */
  allowUnknownMethod?: boolean;
}

export interface ValidTaskInput extends CreateTaskInput {
  /** Arguments normalised to compact JSON. */
  argumentsJson: string;
  /** Fingerprint of a keyed request, to tell an idempotent retry from a conflicting reuse of its key (null without a key). */
  requestHash: string | null;
}

export const METHOD_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,62}\.[A-Za-z][A-Za-z0-9_]{0,62}$/;
export const MAX_ARGUMENTS_BYTES = 64 * 1024;
export const MIN_TIMEOUT_MS = 1000;
export const MAX_TIMEOUT_MS = 7 * 24 * 3600 * 1000;
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** Checks every field of a CreateTask request; throws naming the first bad field. */
export function validateCreateTask(input: CreateTaskInput, now: number): ValidTaskInput {
  requireConsumerId('consumer_id', input.consumerId);
  if (!input.method) throw new InvalidArgumentError('method', 'is required');
  if (!METHOD_PATTERN.test(input.method)) {
    throw new InvalidArgumentError('method', `"${input.method.slice(0, 64)}" is not of the form class.method (e.g. packages.install)`);
  }
  const argumentsJson = parseArguments(input.argumentsJson);
  const asWritten = input;
  input = resolveDelays(input, now);
  if (input.notBeforeTime !== null && input.notAfterTime !== null && input.notAfterTime <= input.notBeforeTime) {
    throw new InvalidArgumentError('not_after_time', 'must be after not_before_time');
  }
  if (input.notAfterTime !== null && input.notAfterTime <= now) {
    throw new InvalidArgumentError('not_after_time', 'is in the past: the task could never start');
  }
  if (input.timeoutMs !== null) {
    if (input.timeoutMs < MIN_TIMEOUT_MS) throw new InvalidArgumentError('timeout_duration', `must be at least 1s, got ${input.timeoutMs}ms`);
    if (input.timeoutMs > MAX_TIMEOUT_MS) throw new InvalidArgumentError('timeout_duration', `must be at most 7 days, got ${input.timeoutMs}ms`);
  }
  validateLabels('labels', input.labels);
  optionalText('idempotency_key', input.idempotencyKey, MAX_IDEMPOTENCY_KEY_LENGTH);
  if (input.traceparent) optionalTraceparent('traceparent', [input.traceparent]);
  const normalised = { ...input, argumentsJson };
  // Only a keyed request is ever compared with an earlier one; hashing the
  // others would be measurable work on the create path for nothing.
  const requestHash = input.idempotencyKey ? fingerprint(asWritten, normalised) : null;
  return { ...normalised, requestHash };
}

/**
 * The request as its idempotency key stands for it. The trace context is
 * not part of it: a retry may come from a new span. The window is taken as
 * written: a delay, not the time it resolved to, so a later retry matches.
 */
function fingerprint(asWritten: CreateTaskInput, normalised: CreateTaskInput): string {
  const delays = {
    ...(asWritten.notBeforeDelayMs != null ? { notBeforeDelayMs: asWritten.notBeforeDelayMs } : {}),
    ...(asWritten.notAfterDelayMs != null ? { notAfterDelayMs: asWritten.notAfterDelayMs } : {}),
  };
  const canonical = stableStringify({
    consumerId: normalised.consumerId,
    method: normalised.method,
    arguments: JSON.parse(normalised.argumentsJson),
    notBeforeTime: asWritten.notBeforeTime,
    notAfterTime: asWritten.notAfterTime,
    timeoutMs: normalised.timeoutMs,
    labels: normalised.labels,
    // Only when given, so the fingerprints of requests without delays stay what they were.
    ...delays,
  });
  return crypto.createHash('sha256').update(canonical).digest('hex');
}

/** not_before_delay / not_after_delay -> times on the server's clock at `now`; each at most one of time and delay. */
function resolveDelays(input: CreateTaskInput, now: number): CreateTaskInput {
  const { notBeforeDelayMs, notAfterDelayMs } = input;
  if (notBeforeDelayMs == null && notAfterDelayMs == null) return input;
  if (notBeforeDelayMs != null && input.notBeforeTime !== null) throw new InvalidArgumentError('not_before_delay', 'and not_before_time are both set; give only one');
  if (notAfterDelayMs != null && input.notAfterTime !== null) throw new InvalidArgumentError('not_after_delay', 'and not_after_time are both set; give only one');
  if (notBeforeDelayMs != null && notBeforeDelayMs < 0) throw new InvalidArgumentError('not_before_delay', 'must not be negative');
  if (notAfterDelayMs != null && notAfterDelayMs <= 0) throw new InvalidArgumentError('not_after_delay', 'must be positive');
  return {
    ...input,
    notBeforeTime: notBeforeDelayMs != null ? now + notBeforeDelayMs : input.notBeforeTime,
    notAfterTime: notAfterDelayMs != null ? now + notAfterDelayMs : input.notAfterTime,
  };
}

const MAX_ARGUMENTS_DEPTH = 64;

function nestingDepth(root: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_ARGUMENTS_DEPTH) return deepest;
    for (const child of Object.values(value as object)) stack.push([child, depth + 1]);
  }
  return deepest;
}

function parseArguments(text: string): string {
  if (!text) return '{}';
  if (Buffer.byteLength(text, 'utf8') > MAX_ARGUMENTS_BYTES) {
    throw new InvalidArgumentError('arguments_json', `is larger than ${MAX_ARGUMENTS_BYTES} bytes`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError('arguments_json', `is not valid JSON (${(err as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidArgumentError('arguments_json', `must be a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`);
  }
  // Checked without recursion, before anything recursive (stringify, hashing) sees it.
  if (nestingDepth(value) > MAX_ARGUMENTS_DEPTH) throw new InvalidArgumentError('arguments_json', `is nested deeper than ${MAX_ARGUMENTS_DEPTH} levels`);
  return JSON.stringify(value);
}

/**
 * Checks a ListTasks filter, whichever edge decoded it; errors name the
 * request's fields (consumer_id, states[i], method, create_time_to,
 * group_id, schedule_id). Labels are checked as the selector is parsed.
 */
export function validateTaskFilter(filter: TaskFilter): TaskFilter {
  if (filter.consumerId) requireConsumerId('consumer_id', filter.consumerId);
  // Each state at most once: there are only nine, and a long list would only burden the query.
  filter.states?.forEach((name, i) => {
    if (filter.states!.indexOf(name) !== i) throw new InvalidArgumentError(`states[${i}]`, `${name} is listed twice`);
  });
  if (filter.method && !METHOD_PATTERN.test(filter.method)) throw new InvalidArgumentError('method', `"${truncate(filter.method)}" is not of the form class.method`);
  if (filter.createTimeFrom != null && filter.createTimeTo != null && filter.createTimeTo < filter.createTimeFrom) throw new InvalidArgumentError('create_time_to', 'is before create_time_from');
  if (filter.groupId) optionalText('group_id', filter.groupId, 64);
  if (filter.scheduleId) optionalText('schedule_id', filter.scheduleId, 64);
  return filter;
}

/** Where a task came from, beyond its request: a group (fan-out) and a schedule's fire. */
export interface TaskOrigin {
  groupId?: string;
  scheduleId?: string;
  fireTime?: number;
  /** Who created it ("tok_... (name)"). */
  createdBy?: string | null;
}

/** The task a validated request accepted at `now` becomes; the lifecycle gives it its first state. */
export function toTaskDraft(v: ValidTaskInput, now: number, origin: TaskOrigin = {}): TaskDraft {
  return {
    id: crypto.randomUUID(),
    consumerId: v.consumerId,
    method: v.method,
    argumentsJson: v.argumentsJson,
    labels: v.labels,
    idempotencyKey: v.idempotencyKey || null,
    requestHash: v.requestHash,
    createTime: now,
    notBeforeTime: v.notBeforeTime,
    notAfterTime: v.notAfterTime,
    timeoutMs: v.timeoutMs,
    groupId: origin.groupId ?? null,
    scheduleId: origin.scheduleId ?? null,
    fireTime: origin.fireTime ?? null,
    traceparent: v.traceparent ?? null,
    createdBy: origin.createdBy ?? null,
  };
}
