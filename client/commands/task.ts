import fs from 'node:fs';
import { call, type TaskplaneClients } from '../client';
import { EXIT, UsageError } from '../exit-codes';
import type { Output } from '../output';
import { TaskState, type TaskState__Output } from '../../protos/generated/taskplane/v1/TaskState';
import type { Task__Output } from '../../protos/generated/taskplane/v1/Task';
import type { TaskEvent__Output } from '../../protos/generated/taskplane/v1/TaskEvent';
import type { ListTasksResponse__Output } from '../../protos/generated/taskplane/v1/ListTasksResponse';
import type { WatchTaskResponse__Output } from '../../protos/generated/taskplane/v1/WatchTaskResponse';
import {
  CLIENT_FLAGS_USAGE,
  details,
  formatDuration,
  formatLabels,
  formatTime,
  labelSelector,
  nextPageHint,
  outputFor,
  parseDuration,
  parseLabels,
  parsePageSize,
  parseTime,
  parseVerb,
  readPages,
  unaryOptions,
  verbOf,
  withClients,
} from './common';

export const TASK_USAGE = `taskplane task <verb> [flags]: run methods on consumers and follow them

  create --consumer ID --method CLASS.METHOD [--args JSON | --args-file PATH]
         [--not-before TIME] [--not-after TIME] [--timeout DURATION]
         [--label KEY=VALUE ...] [--idempotency-key KEY]
      Creates one task; when this returns, the task is stored durably.
      --args is a JSON object (default {}); --args-file reads it from PATH
      ("-" for stdin). The task must not start before --not-before nor after
      --not-after. --timeout limits its running time: 30s, 5m, 1h, 1h30m, 2d.
      Repeating a create with the same --idempotency-key returns the first task.
  get ID
  list [--consumer ID] [--state STATE ...] [--method CLASS.METHOD]
       [--label KEY=VALUE ...] [--since TIME] [--until TIME]
       [--page-size N] [--page-token TOKEN] [--all]
      Tasks newest first, matching every filter given. --state may be repeated
      or comma-separated: scheduled, waiting, dispatched, running, succeeded,
      failed, canceled, timed_out, expired (any case). --since/--until bound
      the creation time. One page (100 by default) unless --all.
  watch ID [--after EVENT_ID]
      Prints the task's events (those already recorded after EVENT_ID, then new
      ones as they happen) until it ends. Exit code 0 if it SUCCEEDED, 8 if it
      ended any other way.
  cancel ID [--reason TEXT]
      A task not yet sent to its agent ends CANCELED at once; for a running one
      the agent is told to stop. Exit code 4 if the task has already ended.

TIME is ISO 8601, e.g. 2026-12-01T02:00:00Z (without an offset: local time).
Times are printed as ISO 8601 UTC.

--output json prints the response message of the call as one JSON object
(create, get, cancel: {task}; list: {tasks, nextPageToken}, with --all the
pages merged into one object of that shape). watch prints one JSON object per
line, one per event: {event}.

${CLIENT_FLAGS_USAGE}`;

const VERBS = ['create', 'get', 'list', 'watch', 'cancel'] as const;

const STATE_PREFIX = 'TASK_STATE_';
// Every state a user may ask for; UNSPECIFIED is the proto's "not set".
const STATE_NAMES = Object.keys(TaskState)
  .filter((s) => s !== 'TASK_STATE_UNSPECIFIED')
  .map((s) => s.slice(STATE_PREFIX.length));
const TERMINAL_STATES = ['TASK_STATE_SUCCEEDED', 'TASK_STATE_FAILED', 'TASK_STATE_CANCELED', 'TASK_STATE_TIMED_OUT', 'TASK_STATE_EXPIRED'];

export async function runTask(args: string[]): Promise<number> {
  const [verb, rest] = verbOf('task', args, VERBS);
  switch (verb as (typeof VERBS)[number]) {
    case 'create':
      return create(rest);
    case 'get':
      return get(rest);
    case 'list':
      return list(rest);
    case 'watch':
      return watch(rest);
    case 'cancel':
      return cancel(rest);
  }
}

// ---- verbs ----

async function create(args: string[]): Promise<number> {
  const { values } = parseVerb('task create', args, {
    consumer: { type: 'string' },
    method: { type: 'string' },
    args: { type: 'string' },
    'args-file': { type: 'string' },
    'not-before': { type: 'string' },
    'not-after': { type: 'string' },
    timeout: { type: 'string' },
    label: { type: 'string', multiple: true },
    'idempotency-key': { type: 'string' },
  });
  const out = outputFor(values);
  if (values.consumer === undefined) throw new UsageError('task create needs --consumer ID');
  if (values.method === undefined) throw new UsageError('task create needs --method CLASS.METHOD');
  const request = {
    consumerId: values.consumer,
    method: values.method,
    argumentsJson: argumentsJson(values.args, values['args-file']),
    notBeforeTime: parseTime('--not-before', values['not-before']),
    notAfterTime: parseTime('--not-after', values['not-after']),
    timeoutDuration: parseDuration('--timeout', values.timeout),
    labels: parseLabels('--label', values.label),
    idempotencyKey: values['idempotency-key'] ?? '',
  };
  const response = await withClients(values, (c) => call(c.tasks, 'createTask', request, unaryOptions()));
  out.result(response, () => renderTask(response.task!));
  return 0;
}

async function get(args: string[]): Promise<number> {
  const { values, positionals } = parseVerb('task get', args, {}, ['ID']);
  const out = outputFor(values);
  const response = await withClients(values, (c) => call(c.tasks, 'getTask', { taskId: positionals[0] }, unaryOptions()));
  out.result(response, () => renderTask(response.task!));
  return 0;
}

async function list(args: string[]): Promise<number> {
  const { values } = parseVerb('task list', args, {
    consumer: { type: 'string' },
    state: { type: 'string', multiple: true },
    method: { type: 'string' },
    label: { type: 'string', multiple: true },
    since: { type: 'string' },
    until: { type: 'string' },
    'page-size': { type: 'string' },
    'page-token': { type: 'string' },
    all: { type: 'boolean' },
  });
  const out = outputFor(values);
  const request = {
    consumerId: values.consumer ?? '',
    states: parseStates(values.state),
    method: values.method ?? '',
    labelSelector: labelSelector('--label', values.label),
    createTimeFrom: parseTime('--since', values.since),
    createTimeTo: parseTime('--until', values.until),
    pageSize: parsePageSize(values['page-size']),
  };
  const response = await withClients(values, (c) =>
    readPages<ListTasksResponse__Output>(
      values['page-token'] ?? '',
      values.all ?? false,
      (pageToken) => call(c.tasks, 'listTasks', { ...request, pageToken }, unaryOptions()),
      (pages) => ({ tasks: pages.flatMap((p) => p.tasks), nextPageToken: '' }),
    ),
  );
  out.result(response, () => taskTable(out, response.tasks) + nextPageHint(response.nextPageToken));
  return 0;
}

async function watch(args: string[]): Promise<number> {
  const { values, positionals } = parseVerb('task watch', args, { after: { type: 'string' } }, ['ID']);
  const out = outputFor(values);
  const taskId = positionals[0];
  const after = values.after ?? '0';
  if (!/^\d+$/.test(after)) throw new UsageError(`--after must be an event id (a whole number), not "${after}"`);
  return withClients(values, async (c) => {
    const last = await printEvents(c, out, taskId, after);
    const finalState = await settledState(c, taskId, last);
    return finalState === 'TASK_STATE_SUCCEEDED' ? EXIT.OK : EXIT.TASK_DID_NOT_SUCCEED;
  });
}

async function cancel(args: string[]): Promise<number> {
  const { values, positionals } = parseVerb('task cancel', args, { reason: { type: 'string' } }, ['ID']);
  const out = outputFor(values);
  const request = { taskId: positionals[0], reason: values.reason ?? '' };
  const response = await withClients(values, (c) => call(c.tasks, 'cancelTask', request, unaryOptions()));
  const task = response.task!;
  const headline =
    task.state === 'TASK_STATE_CANCELED' ? `task ${task.id} canceled` : `cancel requested for task ${task.id} (${shortState(task.state)}); its agent is told to stop`;
  out.result(response, () => `${headline}\n\n${renderTask(task)}`);
  return 0;
}

// ---- watch ----

/**
 * Prints each event as it arrives; returns the last one. The stream has no
 * deadline (a task may run for hours); a lost server still ends it with
 * UNAVAILABLE, and the hint says how to resume without missing or repeating
 * an event.
 */
async function printEvents(c: TaskplaneClients, out: Output, taskId: string, after: string): Promise<TaskEvent__Output | null> {
  let last: TaskEvent__Output | null = null;
  const stream = c.tasks.watchTask({ taskId, afterEventId: after });
  try {
    for await (const response of stream as AsyncIterable<WatchTaskResponse__Output>) {
      if (!response.event) continue;
      last = response.event;
      out.line(response, renderEvent(response.event));
    }
  } catch (err) {
    if (last) process.stderr.write(`note: to resume, run: taskplane task watch ${taskId} --after ${last.id}\n`);
    throw err;
  }
  return last;
}

/** The stream ends after the terminal event; if we saw none (e.g. --after past it), ask the server. */
async function settledState(c: TaskplaneClients, taskId: string, last: TaskEvent__Output | null): Promise<string> {
  if (last && TERMINAL_STATES.includes(last.state)) return last.state;
  const { task } = await call(c.tasks, 'getTask', { taskId }, unaryOptions());
  const state = task!.state;
  if (!TERMINAL_STATES.includes(state)) throw new Error(`the watch ended before task ${taskId} finished (it is ${shortState(state)}); run taskplane task watch again`);
  return state;
}

// ---- command-line text -> request fields ----

function argumentsJson(inline: string | undefined, file: string | undefined): string {
  if (inline !== undefined && file !== undefined) throw new UsageError('give --args or --args-file, not both');
  const [flag, text] = file !== undefined ? ['--args-file', readArgumentsFile(file)] : ['--args', inline];
  if (text === undefined) return '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${flag} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`${flag} must be a JSON object, e.g. {"packages":["zsh"]}`);
  return text;
}

function readArgumentsFile(path: string): string {
  try {
    return fs.readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (err) {
    throw new UsageError(`--args-file ${path}: ${(err as Error).message}`);
  }
}

/** ["waiting", "running,failed"] -> ["TASK_STATE_WAITING", "TASK_STATE_RUNNING", "TASK_STATE_FAILED"]. */
function parseStates(terms: string[] = []): TaskState__Output[] {
  return terms
    .flatMap((term) => term.split(','))
    .map((term) => {
      const name = term.trim().toUpperCase().replace(/-/g, '_').replace(/^TASK_STATE_/, '');
      if (!STATE_NAMES.includes(name)) throw new UsageError(`--state "${term}" is not a task state; use one of ${STATE_NAMES.map((s) => s.toLowerCase()).join(', ')}`);
      return (STATE_PREFIX + name) as TaskState__Output;
    });
}

// ---- proto fields -> readable text ----

function shortState(state: string): string {
  return state.startsWith(STATE_PREFIX) ? state.slice(STATE_PREFIX.length) : state;
}

function renderTask(task: Task__Output): string {
  return details([
    ['task', task.id],
    ['consumer', task.consumerId],
    ['method', task.method],
    ['state', shortState(task.state)],
    ['arguments', task.argumentsJson],
    ['labels', formatLabels(task.labels)],
    ['idempotency key', task.idempotencyKey],
    ['created', formatTime(task.createTime)],
    ['updated', formatTime(task.updateTime)],
    ['not before', formatTime(task.notBeforeTime)],
    ['not after', formatTime(task.notAfterTime)],
    ['timeout', formatDuration(task.timeoutDuration)],
    ['started', formatTime(task.startTime)],
    ['ended', formatTime(task.endTime)],
    ['attempts', String(task.attempt)],
    ['cancel requested', formatTime(task.cancelRequestedTime)],
    ['progress', task.progress ? `${task.progress.percent}% ${task.progress.message}`.trim() : ''],
    ['result', task.resultJson],
    ['error', task.error ? `${task.error.type}: ${task.error.message}` : ''],
  ]);
}

function taskTable(out: Output, tasks: Task__Output[]): string {
  if (tasks.length === 0) return 'no tasks';
  const rows = tasks.map((t) => ({
    id: t.id,
    consumer: t.consumerId,
    method: t.method,
    state: shortState(t.state),
    created: formatTime(t.createTime),
    labels: formatLabels(t.labels),
  }));
  return out.table(rows, ['id', 'consumer', 'method', 'state', 'created', 'labels']);
}

/** One line per event: time, event id, what happened, why. */
function renderEvent(event: TaskEvent__Output): string {
  const what = (() => {
    switch (event.type) {
      case 'TASK_EVENT_TYPE_PROGRESS':
        return `progress ${event.progress?.percent ?? 0}%${event.progress?.message ? ` ${event.progress.message}` : ''}`;
      case 'TASK_EVENT_TYPE_CANCEL_REQUESTED':
        return `cancel requested (still ${shortState(event.state)})`;
      default:
        return shortState(event.state);
    }
  })();
  const why = event.cause ? `  (${event.cause})` : '';
  const error = event.error ? `  error ${event.error.type}: ${event.error.message}` : '';
  return `${formatTime(event.eventTime)}  event ${event.id}  ${what}${why}${error}`;
}
