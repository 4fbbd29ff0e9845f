import * as grpc from '@grpc/grpc-js';
import { call, type TaskplaneClients } from '../client';
import { TRACEPARENT } from '../../common/trace-context';
import { EXIT, exitCodeForOutcome, UsageError } from '../../common/exit-codes';
import type { Output, Style } from '../../common/output';
import { TaskState, type TaskState__Output } from '../../protos/generated/taskplane/v1/TaskState';
import type { Task__Output } from '../../protos/generated/taskplane/v1/Task';
import type { TaskEvent__Output } from '../../protos/generated/taskplane/v1/TaskEvent';
import type { ListTasksResponse__Output } from '../../protos/generated/taskplane/v1/ListTasksResponse';
import type { WatchTaskResponse__Output } from '../../protos/generated/taskplane/v1/WatchTaskResponse';
import type { GetTaskResponse__Output } from '../../protos/generated/taskplane/v1/GetTaskResponse';
import type { WatchTaskGroupResponse__Output } from '../../protos/generated/taskplane/v1/WatchTaskGroupResponse';
import type { Timestamp } from '../../protos/generated/google/protobuf/Timestamp';
import type { TaskGroup__Output } from '../../protos/generated/taskplane/v1/TaskGroup';
import type { TaskGroupEvent__Output } from '../../protos/generated/taskplane/v1/TaskGroupEvent';
import type { RolloutPolicy__Output } from '../../protos/generated/taskplane/v1/RolloutPolicy';
import type { Duration } from '../../protos/generated/google/protobuf/Duration';
import type { CreateTaskRequest } from '../../protos/generated/taskplane/v1/CreateTaskRequest';
import {
  argumentsJson,
  atMostOne,
  CLIENT_FLAGS_USAGE,
  consumerSelector,
  rolloutPolicy,
  details,
  formatDuration,
  formatLabels,
  formatClock,
  formatSpan,
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
  runVerb,
  withClients,
} from './common';
import { durationMs, msToDuration, msToTimestamp, timestampMs } from '../../common/proto-time';
import { TIME_TEXT_HELP } from '../../common/time-text';

export const TASK_USAGE = `taskplane task <verb> [flags]: run methods on consumers and follow them

  create (--consumer ID | --selector SELECTOR ... | --id PATTERN) --method CLASS.METHOD
         [--args JSON | --args-file PATH] [--timeout DURATION]
         [--at TIME | --in DURATION] [--until TIME | --for DURATION]
         [--label KEY=VALUE ...] [--idempotency-key KEY] [--traceparent TRACEPARENT]
         [--canary N] [--wave N|N%] [--max-failures N%] [--force]
      Creates one task for --consumer; when this returns, the task is stored
      durably. With --selector and/or --id instead (a fan-out), creates one
      task for every consumer matching now, in one transaction, as one group,
      and prints the group id and its tasks. A selector term is role=web,
      role!=db, 'zone in (eu,us)', 'zone notin (us)', canary (has the label)
      or '!canary' (has not); all terms must hold, and one flag may hold
      several, comma-separated. --id is a glob on the consumer id: 'web-*'.
      No consumer matching is an error (exit code 4): no group is created.
      A rollout (--canary, --wave, --max-failures; at least one of the first
      two): the consumers, ordered by id, run in waves: the first N (the
      canary), then N, or N% of the group, at a time; each wave starts when
      every task of the one before has ended. The group pauses by itself when
      the failed share of what has ended (FAILED, TIMED_OUT or EXPIRED, out
      of all but CANCELED) reaches --max-failures (default 100%): see task
      group resume and abort. Tasks of later waves wait, created, as
      SCHEDULED without a not-before time.
      --args is a JSON object (default {}); --args-file reads it from PATH
      ("-" for stdin). --timeout limits its running time: 30s, 5m, 1h, 1h30m, 2d.
      The window: the task must not start before --at TIME, or --in DURATION
      from now (until then it is SCHEDULED), nor after --until TIME, or --for
      DURATION after its start (after now if no start is given); a task that
      has not started when its window closes ends EXPIRED. --not-before and
      --not-after are the same as --at and --until. --in and --for are sent
      as durations and "now" is the server's clock when it stores the task.
      Repeating a create with the same --idempotency-key returns the first task
      (not with --selector); the request is compared as written, so a retry
      of "--in 10m" minutes later is the same request and returns that task.
      A method the consumer's agent did not offer in its last hello is refused
      (exit 4, naming the methods it offers): a misspelled method would wait
      forever. --force creates it anyway (e.g. ahead of an agent upgrade); a
      consumer whose agent never connected accepts any method.
      --traceparent (default: the TRACEPARENT environment variable) is a W3C
      trace context, e.g. 00-<32 hex>-<16 hex>-01: the tasks carry it to their
      agents and plugins, so a CI job's trace continues on the hosts.
  run (--consumer ID) --method CLASS.METHOD [the flags of create]
       [--reconnect-for DURATION]
      Creates the task, prints its events as they happen (progress included),
      then its result or error, and exits with its outcome: 0 SUCCEEDED,
      8 FAILED, 9 CANCELED, 10 TIMED_OUT, 11 EXPIRED. With --output json it
      prints only the ended task ({task}); with jsonl each event, then it.
  get ID
  list [--consumer ID] [--state STATE ...] [--method CLASS.METHOD]
       [--label KEY=VALUE ...] [--group GROUP_ID] [--schedule SCHEDULE_ID]
       [--since TIME] [--until TIME] [--page-size N] [--page-token TOKEN] [--all]
       [--full]
      Tasks newest first, matching every filter given. Arguments, results
      and error details are left out unless --full is given (task get
      always shows them). --state may be repeated
      or comma-separated: scheduled, waiting, dispatched, running, succeeded,
      failed, canceled, timed_out, expired (any case). --group: the tasks of a
      group (task create --selector, or one fire of a schedule); --schedule:
      the tasks a schedule's fires created. --since/--until bound the creation
      time. One page (100 by default) unless --all.
  watch ID [--after EVENT_ID] [--reconnect-for DURATION]
      Prints the task's events (those already recorded after EVENT_ID, then new
      ones as they happen) until it ends, then its result or error. If the
      server goes away (a restart), it reconnects by itself after the last
      event it saw, for up to --reconnect-for (default 10m). Exits as run
      does: 0 SUCCEEDED, 8 FAILED, 9 CANCELED, 10 TIMED_OUT, 11 EXPIRED.
  cancel ID [--reason TEXT]
      A task not yet sent to its agent ends CANCELED at once. For a dispatched
      or running one the request is recorded and its agent told to stop, now
      or when it reconnects; the task ends with what the agent reports
      (CANCELED, or SUCCEEDED/FAILED if it had finished), or FAILED with
      OutcomeUnknown if the agent does not answer within the server's
      --abandon-after. Exit code 4 if the task has already ended.
  watch-group GROUP_ID [--after EVENT_ID]
      Prints the events of every task of the group, each line naming its task,
      and the group's own (wave started, paused, resumed, aborted, completed),
      until all of them have ended (a paused rollout is waited for). Exit code 0 if every task SUCCEEDED, 8 if
      any ended another way. If the connection is lost, the hint on stderr
      says how to resume without missing an event.
  cancel-group GROUP_ID [--reason TEXT]
      Cancels every unfinished task of the group, as cancel does each, and
      prints the group's tasks. A rollout is aborted first.
  group get GROUP_ID
      The group's state (RUNNING, PAUSED, ABORTED, COMPLETED), its wave, why it
      paused, and how many of its tasks succeeded, failed, were canceled or are
      held for a later wave.
  group resume GROUP_ID
      Continues a PAUSED rollout: the failures so far are accepted, and the
      group does not pause again before its next wave has ended entirely.
      Exit code 4 unless PAUSED.
  group abort GROUP_ID [--reason TEXT]
      Stops a rollout: tasks not yet started (held or waiting) end CANCELED,
      those running finish. Exit code 4 once the rollout has ended.

TIME is ${TIME_TEXT_HELP}; a date alone is its midnight, local times are in
the local zone (TZ). Impossible dates are refused. DURATION is like 30s,
10m, 2h, 1h30m, 2d. Tables show times in the local zone with its offset and
how long ago (--utc for UTC).

--output json prints the response message of the call as one JSON object in
the proto3 JSON mapping (create, get, cancel: {task}; create --selector:
{groupId, tasks}; cancel-group: {tasks}; group get, resume, abort: {group};
list: {tasks, nextPageToken}, with --all the pages merged into one object of
that shape); a task's arguments and result are there as JSON values
(arguments, result) next to their text (argumentsJson, resultJson). --output
jsonl prints a list one task a line. watch and watch-group print one JSON
object per line, one per event: {event}, or {groupEvent} for the group's own.

${CLIENT_FLAGS_USAGE}`;


const STATE_PREFIX = 'TASK_STATE_';
// Every state a user may ask for; UNSPECIFIED is the proto's "not set".
const STATE_NAMES = Object.keys(TaskState)
  .filter((s) => s !== 'TASK_STATE_UNSPECIFIED')
  .map((s) => s.slice(STATE_PREFIX.length));
const TERMINAL_STATES = ['TASK_STATE_SUCCEEDED', 'TASK_STATE_FAILED', 'TASK_STATE_CANCELED', 'TASK_STATE_TIMED_OUT', 'TASK_STATE_EXPIRED'];

export async function runTask(args: string[]): Promise<number> {
  return runVerb('task', args, {
    create,
    run,
    get,
    list,
    watch,
    cancel,
    'watch-group': watchGroup,
    'cancel-group': cancelGroup,
    group: (rest) => runVerb('task group', rest, { get: groupGet, resume: groupResume, abort: groupAbort }),
  });
}

// ---- verbs ----

const CREATE_OPTIONS = {
    consumer: { type: 'string' },
    selector: { type: 'string', multiple: true },
    id: { type: 'string' },
    canary: { type: 'string' },
    wave: { type: 'string' },
    'max-failures': { type: 'string' },
    method: { type: 'string' },
    args: { type: 'string' },
    'args-file': { type: 'string' },
    'not-before': { type: 'string' },
    at: { type: 'string' },
    in: { type: 'string' },
    'not-after': { type: 'string' },
    until: { type: 'string' },
    for: { type: 'string' },
    timeout: { type: 'string' },
    label: { type: 'string', multiple: true },
    'idempotency-key': { type: 'string' },
    traceparent: { type: 'string' },
    force: { type: 'boolean' },
} as const;

type CreateValues = {
  [K in keyof typeof CREATE_OPTIONS]?: (typeof CREATE_OPTIONS)[K] extends { type: 'boolean' } ? boolean : (typeof CREATE_OPTIONS)[K] extends { multiple: true } ? string[] : string;
};

/** The trace context the created tasks carry: --traceparent, else TRACEPARENT. */
function traceMetadata(values: CreateValues): grpc.Metadata {
  const metadata = new grpc.Metadata();
  const traceparent = values.traceparent ?? process.env.TRACEPARENT;
  if (traceparent) metadata.set(TRACEPARENT, traceparent);
  return metadata;
}

/** What a task of create (and run) asks for, from the flags, without its consumer. */
function taskTemplate(command: string, values: CreateValues) {
  if (values.method === undefined) throw new UsageError(`${command} needs --method CLASS.METHOD`);
  return {
    method: values.method,
    argumentsJson: argumentsJson(values.args, values['args-file']),
    ...taskWindow(command, values),
    timeoutDuration: parseDuration('--timeout', values.timeout),
    labels: parseLabels('--label', values.label),
    allowUnknownMethod: values.force ?? false,
  };
}

async function create(args: string[]): Promise<number> {
  const { values } = parseVerb('task create', args, CREATE_OPTIONS);
  const out = outputFor(values);
  const metadata = traceMetadata(values);
  const fanOut = values.selector !== undefined || values.id !== undefined;
  if (values.consumer !== undefined && fanOut) throw new UsageError('task create: give --consumer or --selector/--id, not both');
  if (values.consumer === undefined && !fanOut) throw new UsageError('task create needs --consumer ID, or --selector SELECTOR and/or --id PATTERN');
  const rollout = rolloutPolicy(values);
  if (rollout && !fanOut) throw new UsageError('task create: --canary, --wave and --max-failures need --selector or --id');
  const template = taskTemplate('task create', values);
  if (fanOut) {
    if (values['idempotency-key'] !== undefined) throw new UsageError('task create: --idempotency-key cannot be used with --selector or --id');
    const request = { consumerSelector: consumerSelector('--selector', values.selector), consumerIdPattern: values.id ?? '', template, rollout };
    const response = await withClients(values, (c) => call(c.tasks, 'createTaskGroup', request, unaryOptions(), metadata));
    out.result(response, () => renderGroup(out, response.groupId, response.tasks));
    return 0;
  }
  const request = { ...template, consumerId: values.consumer!, idempotencyKey: values['idempotency-key'] ?? '' };
  const response = await withClients(values, (c) => call(c.tasks, 'createTask', request, unaryOptions(), metadata));
  out.result(response, () => renderTask(response.task!));
  return 0;
}

async function run(args: string[]): Promise<number> {
  const { values } = parseVerb('task run', args, { ...CREATE_OPTIONS, 'reconnect-for': { type: 'string' } });
  const out = outputFor(values);
  if (values.selector !== undefined || values.id !== undefined) throw new UsageError('task run runs one task: give --consumer, not --selector or --id (see task create --selector and task watch-group)');
  if (values.consumer === undefined) throw new UsageError('task run needs --consumer ID');
  const request: CreateTaskRequest = { ...taskTemplate('task run', values), consumerId: values.consumer, idempotencyKey: values['idempotency-key'] ?? '' };
  const reconnectFor = reconnectWindow(values['reconnect-for']);
  return withClients(values, async (c) => {
    const { task } = await call(c.tasks, 'createTask', request, unaryOptions(), traceMetadata(values));
    if (!out.machine) out.line(null, `task ${task!.id} created`);
    // json: only the ended task, one object; jsonl and table: the events as they come, then it.
    const events = out.format === 'json' ? null : out;
    const ended = await followTask(c, events, task!.id, '0', reconnectFor);
    printOutcome(out, ended);
    return exitCodeForOutcome(ended.task!.state);
  });
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
    group: { type: 'string' },
    schedule: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    'page-size': { type: 'string' },
    'page-token': { type: 'string' },
    all: { type: 'boolean' },
    full: { type: 'boolean' },
  });
  const out = outputFor(values);
  const request = {
    view: values.full ? ('TASK_VIEW_FULL' as const) : ('TASK_VIEW_BASIC' as const),
    consumerId: values.consumer ?? '',
    states: parseStates(values.state),
    method: values.method ?? '',
    labelSelector: labelSelector('--label', values.label),
    groupId: values.group ?? '',
    scheduleId: values.schedule ?? '',
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
  const { values, positionals } = parseVerb('task watch', args, { after: { type: 'string' }, 'reconnect-for': { type: 'string' } }, ['ID']);
  const out = outputFor(values);
  const taskId = positionals[0];
  const after = parseAfter(values.after);
  const reconnectFor = reconnectWindow(values['reconnect-for']);
  return withClients(values, async (c) => {
    const ended = await followTask(c, out, taskId, after, reconnectFor);
    // Scripts read the events (one object a line); a person gets the result too.
    if (!out.machine) printOutcome(out, ended);
    return exitCodeForOutcome(ended.task!.state);
  });
}

async function cancel(args: string[]): Promise<number> {
  const { values, positionals } = parseVerb('task cancel', args, { reason: { type: 'string' } }, ['ID']);
  const out = outputFor(values);
  const request = { taskId: positionals[0], reason: values.reason ?? '' };
  const response = await withClients(values, (c) => call(c.tasks, 'cancelTask', request, unaryOptions()));
  const task = response.task!;
  const headline =
    task.state === 'TASK_STATE_CANCELED'
      ? `task ${task.id} canceled`
      : `cancel requested for task ${task.id} (${shortState(task.state)}); its agent is told to stop, now or when it reconnects, and its answer ends the task`;
  out.result(response, () => `${headline}\n\n${renderTask(task)}`);
  return 0;
}

async function watchGroup(args: string[]): Promise<number> {
  const { values, positionals } = parseVerb('task watch-group', args, { after: { type: 'string' } }, ['GROUP_ID']);
  const out = outputFor(values);
  const groupId = positionals[0];
  const after = parseAfter(values.after);
  return withClients(values, async (c) => {
    await printGroupEvents(c, out, groupId, after);
    // The stream ends once every task (and the rollout) has ended; the verdict comes from the tasks themselves.
    const { group } = await call(c.tasks, 'getTaskGroup', { groupId }, unaryOptions());
    const tasks = await groupTasks(c, groupId);
    const unfinished = tasks.filter((t) => !TERMINAL_STATES.includes(t.state));
    if (unfinished.length) {
      throw new Error(`the watch ended before group ${groupId} finished (${unfinished.length} of ${tasks.length} tasks unfinished); run taskplane task watch-group again`);
    }
    const rollout = group!.rollout ? ` (rollout ${shortGroupState(group!.state)})` : '';
    if (out.format === 'table') out.line(null, `group ${groupId}: ${stateCounts(tasks)}${rollout}`);
    return group!.state === 'TASK_GROUP_STATE_COMPLETED' && tasks.every((t) => t.state === 'TASK_STATE_SUCCEEDED') ? EXIT.OK : EXIT.TASK_DID_NOT_SUCCEED;
  });
}

async function groupGet(args: string[]): Promise<number> {
  const { values, positionals } = parseVerb('task group get', args, {}, ['GROUP_ID']);
  const out = outputFor(values);
  const response = await withClients(values, (c) => call(c.tasks, 'getTaskGroup', { groupId: positionals[0] }, unaryOptions()));
  out.result(response, () => renderTaskGroup(response.group!));
  return 0;
}

async function groupResume(args: string[]): Promise<number> {
  const { values, positionals } = parseVerb('task group resume', args, {}, ['GROUP_ID']);
  const out = outputFor(values);
  const response = await withClients(values, (c) => call(c.tasks, 'resumeTaskGroup', { groupId: positionals[0] }, unaryOptions()));
  out.result(response, () => `group ${positionals[0]} resumed\n\n${renderTaskGroup(response.group!)}`);
  return 0;
}

async function groupAbort(args: string[]): Promise<number> {
  const { values, positionals } = parseVerb('task group abort', args, { reason: { type: 'string' } }, ['GROUP_ID']);
  const out = outputFor(values);
  const response = await withClients(values, (c) => call(c.tasks, 'abortTaskGroup', { groupId: positionals[0], reason: values.reason ?? '' }, unaryOptions()));
  out.result(response, () => `group ${positionals[0]} aborted: tasks not yet started are canceled\n\n${renderTaskGroup(response.group!)}`);
  return 0;
}

async function cancelGroup(args: string[]): Promise<number> {
  const { values, positionals } = parseVerb('task cancel-group', args, { reason: { type: 'string' } }, ['GROUP_ID']);
  const out = outputFor(values);
  const request = { groupId: positionals[0], reason: values.reason ?? '' };
  const response = await withClients(values, (c) => call(c.tasks, 'cancelTaskGroup', request, unaryOptions()));
  const running = response.tasks.filter((t) => !TERMINAL_STATES.includes(t.state)).length;
  const note = running ? `\n(cancel requested for ${running} dispatched or running; their agents are told to stop)` : '';
  out.result(response, () => `group ${positionals[0]}: ${stateCounts(response.tasks)}${note}\n\n${taskTable(out, response.tasks)}`);
  return 0;
}

// ---- watch ----

const DEFAULT_RECONNECT_MS = 10 * 60_000;
const FIRST_RETRY_MS = 200;
const MAX_RETRY_MS = 5_000;

function reconnectWindow(text: string | undefined): number {
  return text === undefined ? DEFAULT_RECONNECT_MS : durationMs(parseDuration('--reconnect-for', text)!);
}

/**
 * Follows a task to its end: prints each event as it arrives (to `out`, or
 * nowhere when null) and returns the ended task. The stream has no deadline
 * (a task may run for hours). When the server goes away (UNAVAILABLE: a
 * restart, a lost connection) it watches again after the last event seen,
 * so nothing is missed or repeated, backing off up to `reconnectForMs`
 * since the last answer; then it gives up with a hint to resume by hand.
 */
async function followTask(c: TaskplaneClients, out: Output | null, taskId: string, after: string, reconnectForMs: number): Promise<GetTaskResponse__Output> {
  let lastId = after;
  let lostSince: number | null = null;
  let retryMs = FIRST_RETRY_MS;
  for (;;) {
    try {
      const stream = c.tasks.watchTask({ taskId, afterEventId: lastId });
      for await (const response of stream as AsyncIterable<WatchTaskResponse__Output>) {
        lostSince = null;
        retryMs = FIRST_RETRY_MS;
        if (!response.event) continue;
        lastId = response.event.id;
        out?.line(response, renderEvent(response.event));
      }
      // The stream ends after the terminal event; the task itself says how it ended (and its result).
      const ended = await call(c.tasks, 'getTask', { taskId }, unaryOptions());
      if (TERMINAL_STATES.includes(ended.task!.state)) return ended;
      // Ended early without an error (not what the server does): watch again, backing off as for a lost server.
      lostSince ??= Date.now();
      if (Date.now() - lostSince >= reconnectForMs) throw new Error(`the watch ended before task ${taskId} finished (it is ${shortState(ended.task!.state)}); run taskplane task watch ${taskId} --after ${lastId}`);
    } catch (err) {
      if ((err as grpc.ServiceError).code !== grpc.status.UNAVAILABLE) throw err;
      lostSince ??= Date.now();
      if (Date.now() - lostSince >= reconnectForMs) {
        process.stderr.write(`note: to resume, run: taskplane task watch ${taskId} --after ${lastId}\n`);
        throw err;
      }
      if (retryMs === FIRST_RETRY_MS) process.stderr.write(`note: lost the server (${(err as grpc.ServiceError).details}); reconnecting\n`);
    }
    // Only after a lost stream: wait before asking again, longer each time.
    if (lostSince !== null) {
      await new Promise((resolve) => setTimeout(resolve, retryMs));
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    }
  }
}

/** What a task came to: its result, or its error, after the events (or alone for --output json). */
function printOutcome(out: Output, ended: GetTaskResponse__Output): void {
  const task = ended.task!;
  const state = shortState(task.state);
  const took = formatSpan(task.startTime, task.endTime);
  const headline = `task ${task.id} ${out.paint(state, stateStyle(task.state))}${took ? ` after ${took}` : ''}`;
  const body = task.error ? `error: ${task.error.type}: ${task.error.message}` : task.resultJson ? `result: ${task.resultJson}` : '';
  out.result(ended, () => (body ? `${headline}\n${body}` : headline));
}

/**
 * Prints the group's events as they arrive, each naming its task. On a lost
 * stream the hint gives the smallest last event id among the tasks not seen
 * to end, as WatchTaskGroup asks, so a resumed watch misses nothing.
 */
async function printGroupEvents(c: TaskplaneClients, out: Output, groupId: string, after: string): Promise<void> {
  const last = new Map<string, TaskEvent__Output>();
  const stream = c.tasks.watchTaskGroup({ groupId, afterEventId: after });
  try {
    for await (const response of stream as AsyncIterable<WatchTaskGroupResponse__Output>) {
      if (response.groupEvent) out.line(response, renderGroupEvent(response.groupEvent));
      if (!response.event) continue;
      last.set(response.event.taskId, response.event);
      out.line(response, renderEvent(response.event, true));
    }
  } catch (err) {
    if (last.size) {
      const unfinished = [...last.values()].filter((e) => !TERMINAL_STATES.includes(e.state)).map((e) => BigInt(e.id));
      const resumeAfter = unfinished.length ? unfinished.reduce((a, b) => (b < a ? b : a)) : BigInt(after);
      process.stderr.write(`note: to resume, run: taskplane task watch-group ${groupId} --after ${resumeAfter}\n`);
    }
    throw err;
  }
}

/** Every task of a group, every page. */
async function groupTasks(c: TaskplaneClients, groupId: string): Promise<Task__Output[]> {
  const response = await readPages<ListTasksResponse__Output>(
    '',
    true,
    (pageToken) => call(c.tasks, 'listTasks', { groupId, pageSize: 1000, pageToken }, unaryOptions()),
    (pages) => ({ tasks: pages.flatMap((p) => p.tasks), nextPageToken: '' }),
  );
  return response.tasks;
}

// ---- command-line text -> request fields ----

/**
 * The task's window from --not-before/--at/--in (its start) and
 * --not-after/--until/--for (its end); of each trio at most one. Times
 * relative to now (--in; --for without --at) go as delays the server
 * counts from its own clock when it stores the task, so a retry with the
 * same --idempotency-key is the same request (see CreateTaskRequest).
 * --for counts from the start.
 */
function taskWindow(
  command: string,
  values: { 'not-before'?: string; at?: string; in?: string; 'not-after'?: string; until?: string; for?: string },
): { notBeforeTime: Timestamp | null; notAfterTime: Timestamp | null; notBeforeDelay: Duration | null; notAfterDelay: Duration | null } {
  const start = atMostOne(command, 'the start of the window', { '--not-before': values['not-before'], '--at': values.at, '--in': values.in });
  const end = atMostOne(command, 'the end of the window', { '--not-after': values['not-after'], '--until': values.until, '--for': values.for });
  const window = { notBeforeTime: null as Timestamp | null, notAfterTime: null as Timestamp | null, notBeforeDelay: null as Duration | null, notAfterDelay: null as Duration | null };
  if (start) {
    const [flag, text] = start;
    if (flag === '--in') window.notBeforeDelay = parseDuration(flag, text);
    else window.notBeforeTime = parseTime(flag, text);
  }
  if (end) {
    const [flag, text] = end;
    if (flag !== '--for') window.notAfterTime = parseTime(flag, text);
    else if (window.notBeforeTime) window.notAfterTime = msToTimestamp(timestampMs(window.notBeforeTime) + flagMs(flag, text));
    else window.notAfterDelay = msToDuration((window.notBeforeDelay ? durationMs(window.notBeforeDelay) : 0) + flagMs(flag, text));
  }
  return window;
}

/** A duration flag ("30s", "1h30m") -> milliseconds. */
function flagMs(flag: string, text: string): number {
  return durationMs(parseDuration(flag, text)!);
}

function parseAfter(text: string | undefined): string {
  const after = text ?? '0';
  if (!/^\d+$/.test(after)) throw new UsageError(`--after must be an event id (a whole number), not "${after}"`);
  return after;
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
    ['group', task.groupId],
    ['schedule', task.scheduleId],
    ['fire time', formatTime(task.fireTime)],
    ['traceparent', task.traceparent],
    ['created', formatTime(task.createTime)],
    ['created by', task.createdBy],
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
    ['late outcome', lateOutcome(task)],
  ]);
}

/** What the agent reported after the task had ended without it. */
function lateOutcome(task: Task__Output): string {
  const late = task.lateOutcome;
  if (!late) return '';
  const what = late.error ? `${late.error.type}: ${late.error.message}` : `succeeded: ${late.resultJson}`;
  return `${what} (reported ${formatTime(late.reportTime)})`;
}

function taskTable(out: Output, tasks: Task__Output[]): string {
  if (tasks.length === 0) return 'no tasks';
  const rows = tasks.map((t) => ({
    id: t.id,
    consumer: t.consumerId,
    method: t.method,
    state: out.paint(shortState(t.state), stateStyle(t.state)),
    created: formatTime(t.createTime),
    duration: formatSpan(t.startTime, t.endTime),
    ended: formatTime(t.endTime),
    labels: formatLabels(t.labels),
  }));
  return out.table(rows, ['id', 'consumer', 'method', 'state', 'created', 'duration', 'ended', 'labels']);
}

/** The colour of a state on a terminal: green for success, red for failure, yellow for the rest of the ends. */
function stateStyle(state: string): Style {
  switch (state) {
    case 'TASK_STATE_SUCCEEDED':
      return 'green';
    case 'TASK_STATE_FAILED':
    case 'TASK_STATE_TIMED_OUT':
      return 'red';
    case 'TASK_STATE_CANCELED':
    case 'TASK_STATE_EXPIRED':
      return 'yellow';
    case 'TASK_STATE_RUNNING':
      return 'cyan';
    default:
      return 'dim';
  }
}

/** "group G: 2 tasks" and a table of them. */
function renderGroup(out: Output, groupId: string, tasks: Task__Output[]): string {
  const held = tasks.filter((t) => t.state === 'TASK_STATE_SCHEDULED' && !t.notBeforeTime).length;
  const rollout = held ? ` (${held} held for later waves: taskplane task watch-group ${groupId})` : '';
  return `group ${groupId}: ${tasks.length} ${tasks.length === 1 ? 'task' : 'tasks'}${rollout}\n\n${taskTable(out, tasks)}`;
}

function shortGroupState(state: string): string {
  return state.replace(/^TASK_GROUP_STATE_/, '');
}

function renderTaskGroup(group: TaskGroup__Output): string {
  const policy = group.rollout;
  return details([
    ['group', group.groupId],
    ['method', group.method],
    ['state', shortGroupState(group.state)],
    ['paused because', group.pauseReason],
    ['wave', policy ? `${group.currentWave + 1} of ${group.waveCount}` : ''],
    ['rollout', policy ? rolloutText(policy) : ''],
    ['tasks', `${group.total}: ${group.succeeded} succeeded, ${group.failed} failed, ${group.canceled} canceled, ${group.held} held`],
    ['created', formatTime(group.createTime)],
  ]);
}

/** "canary 1, waves of 3, pause at 30% failed". */
function rolloutText(p: RolloutPolicy__Output): string {
  const wave = p.waveSize ? `waves of ${p.waveSize}` : p.wavePercent ? `waves of ${p.wavePercent}%` : 'then the rest at once';
  return `${p.canaryCount ? `canary ${p.canaryCount}, ` : ''}${wave}, pause at ${p.maxFailurePercent}% failed`;
}

/** One line per group event: time, "group", what happened, why. */
function renderGroupEvent(event: TaskGroupEvent__Output): string {
  const what = event.type.replace(/^TASK_GROUP_EVENT_TYPE_/, '').toLowerCase().replace('_', ' ');
  return `${formatTime(event.eventTime)}  group  event ${event.id}  ${what}${event.cause ? `  (${event.cause})` : ''}`;
}

/** "3 tasks: 2 SUCCEEDED, 1 CANCELED". */
function stateCounts(tasks: Task__Output[]): string {
  const counts = new Map<string, number>();
  for (const t of tasks) counts.set(shortState(t.state), (counts.get(shortState(t.state)) ?? 0) + 1);
  const parts = [...counts].map(([state, n]) => `${n} ${state}`);
  return `${tasks.length} ${tasks.length === 1 ? 'task' : 'tasks'}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

/** One line per event: time, (task,) event id, what happened, why. */
function renderEvent(event: TaskEvent__Output, withTask = false): string {
  const what = (() => {
    switch (event.type) {
      case 'TASK_EVENT_TYPE_PROGRESS':
        return `progress ${event.progress?.percent ?? 0}%${event.progress?.message ? ` ${event.progress.message}` : ''}`;
      case 'TASK_EVENT_TYPE_CANCEL_REQUESTED':
        return `cancel requested (still ${shortState(event.state)})`;
      case 'TASK_EVENT_TYPE_REDELIVERED':
        return `sent again (still ${shortState(event.state)})`;
      case 'TASK_EVENT_TYPE_LATE_OUTCOME':
        return `late outcome (still ${shortState(event.state)})`;
      default:
        return shortState(event.state);
    }
  })();
  const why = event.cause ? `  (${event.cause})` : '';
  const error = event.error ? `  error ${event.error.type}: ${event.error.message}` : '';
  const task = withTask ? `  task ${event.taskId}` : '';
  return `${formatClock(event.eventTime)}${task}  event ${event.id}  ${what}${why}${error}`;
}
