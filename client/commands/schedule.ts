import { call, type TaskplaneClients } from '../client';
import { UsageError } from '../../common/exit-codes';
import { timestampMs } from '../../common/proto-time';
import type { Output } from '../../common/output';
import type { Duration } from '../../protos/generated/google/protobuf/Duration';
import type { Timestamp } from '../../protos/generated/google/protobuf/Timestamp';
import type { Schedule__Output } from '../../protos/generated/taskplane/v1/Schedule';
import type { ScheduleSpec, ScheduleSpec__Output } from '../../protos/generated/taskplane/v1/ScheduleSpec';
import type { ScheduledFire__Output } from '../../protos/generated/taskplane/v1/ScheduledFire';
import type { ListSchedulesResponse__Output } from '../../protos/generated/taskplane/v1/ListSchedulesResponse';
import type { PreviewScheduleResponse__Output } from '../../protos/generated/taskplane/v1/PreviewScheduleResponse';
import {
  argumentsJson,
  CLIENT_FLAGS_USAGE,
  details,
  formatDuration,
  formatLabels,
  formatLocalTime,
  formatClock,
  relativeTime,
  formatTime,
  labelSelector,
  nextPageHint,
  outputFor,
  PAGING_OPTIONS,
  parseChoice,
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

export const SCHEDULE_USAGE = `taskplane schedule <verb> [flags]: run tasks on a recurring schedule

  create --cron EXPR [--tz ZONE] --method CLASS.METHOD
         (--consumer ID | --selector KEY=VALUE ...) [SPEC FLAGS] [--paused]
      Creates a schedule; each fire creates one task for --consumer, or one
      for every consumer carrying all the --selector labels at fire time (as
      one group). --paused: create it paused (see resume).
  get ID
      The schedule with its next fire (in UTC and on the zone's wall clock),
      its last fire and how many fires were missed.
  list [--page-size N] [--page-token TOKEN] [--all]
      Schedules in the order they were created. One page (100 by default)
      unless --all.
  update ID [SPEC FLAGS]
      Replaces the schedule's whole spec: the flags given are applied on top
      of its current spec, read first, and the result is sent as the new spec
      (so a flag not given keeps its current value; --label and --selector
      replace all labels or the whole selector; "none" unsets --window,
      --timeout, --start, --end or --catch-up-window). The next fire is
      planned again from now. An invalid result is refused and changes nothing.
  pause ID
      No fires until resume; fires due while paused are not made up.
  resume ID
      Fires again, from the next fire after now.
  delete ID
      Deletes the schedule; tasks it has created are not touched.
  preview [ID] [--count N] [--after TIME] [SPEC FLAGS]
      "When will it run?": the next N fires (default 5, at most 100) after
      TIME (default now), each on the zone's wall clock, in UTC, and with the
      end of its window. Of a stored schedule (ID), of a spec not created yet
      (the create flags), or of a stored schedule as update would change it
      (ID and spec flags).

SPEC FLAGS:
  --cron EXPR          5 fields (minute hour day-of-month month day-of-week) or
                       6 (seconds first), e.g. "0 2 * * *" for 02:00 daily
  --tz ZONE            IANA time zone the expression is read in, e.g.
                       Europe/Berlin (create: default UTC)
  --method CLASS.METHOD, --args JSON | --args-file PATH, --timeout DURATION,
  --label KEY=VALUE ...
                       the task each fire creates, as for task create
  --consumer ID | --selector KEY=VALUE ...
                       who each fire's tasks are for: exactly one
  --window DURATION    each task must start within this long of its fire
                       (default: no end)
  --start TIME, --end TIME
                       no fires before / after these times
  --overlap skip|allow while the previous fire's tasks are unfinished: skip the
                       fire (default) or fire anyway
  --catch-up skip|latest|all
                       fires missed while every server was down: count them
                       (default), run only the latest, or run every one
                       within --catch-up-window DURATION (needed with all)

Daylight saving time: a fire at a wall-clock time that does not exist (spring
forward) happens once, at the first instant after the gap; one at a time that
happens twice (fall back) happens once, at its first occurrence.

TIME is RFC 3339, e.g. 2026-12-01T02:00:00Z, or a local date or date-time
(2026-12-01, 2026-12-01T03:00) in the local zone; impossible dates are
refused. DURATION is like 30s, 10m, 2h, 1h30m, 2d.

--output json prints the response message of the call as one JSON object
in the proto3 JSON mapping (docs/cli.md); --output jsonl prints a list one
entry a line. The shapes:
(create, get, update, pause, resume: {schedule}; delete: {}; list:
{schedules, nextPageToken}, with --all the pages merged into one object of
that shape; preview: {fires, timeZone}).

${CLIENT_FLAGS_USAGE}`;


/** The flags that make up a spec: create, update and preview take them. */
const SPEC_OPTIONS = {
  cron: { type: 'string' },
  tz: { type: 'string' },
  method: { type: 'string' },
  args: { type: 'string' },
  'args-file': { type: 'string' },
  timeout: { type: 'string' },
  label: { type: 'string', multiple: true },
  consumer: { type: 'string' },
  selector: { type: 'string', multiple: true },
  window: { type: 'string' },
  start: { type: 'string' },
  end: { type: 'string' },
  overlap: { type: 'string' },
  'catch-up': { type: 'string' },
  'catch-up-window': { type: 'string' },
} as const;

type SpecFlags = { [K in keyof typeof SPEC_OPTIONS]?: (typeof SPEC_OPTIONS)[K] extends { multiple: true } ? string[] : string };

const OVERLAP_POLICIES = { skip: 'SCHEDULE_OVERLAP_POLICY_SKIP', allow: 'SCHEDULE_OVERLAP_POLICY_ALLOW' } as const;
const CATCH_UP_POLICIES = { skip: 'SCHEDULE_CATCH_UP_POLICY_SKIP', latest: 'SCHEDULE_CATCH_UP_POLICY_LATEST', all: 'SCHEDULE_CATCH_UP_POLICY_ALL' } as const;
const OVERLAP_PREFIX = 'SCHEDULE_OVERLAP_POLICY_';
const CATCH_UP_PREFIX = 'SCHEDULE_CATCH_UP_POLICY_';
const MAX_PREVIEW = 100;

export async function runSchedule(args: string[]): Promise<number> {
  return runVerb('schedule', args, {
    create,
    get,
    list,
    update,
    pause: (rest) => setPaused(rest, true),
    resume: (rest) => setPaused(rest, false),
    delete: remove,
    preview,
  });
}

// ---- verbs ----

async function create(args: string[]): Promise<number> {
  const { values } = parseVerb('schedule create', args, { ...SPEC_OPTIONS, paused: { type: 'boolean' } });
  const out = outputFor(values);
  const request = { spec: newSpec('schedule create', values), paused: values.paused ?? false };
  const response = await withClients(values, (c) => call(c.schedules, 'createSchedule', request, unaryOptions()));
  out.result(response, () => `schedule ${response.schedule!.id} created\n\n${renderSchedule(response.schedule!)}`);
  return 0;
}

async function get(args: string[]): Promise<number> {
  const { values, positionals } = parseVerb('schedule get', args, {}, ['ID']);
  const out = outputFor(values);
  const response = await withClients(values, (c) => call(c.schedules, 'getSchedule', { scheduleId: positionals[0] }, unaryOptions()));
  out.result(response, () => renderSchedule(response.schedule!));
  return 0;
}

async function list(args: string[]): Promise<number> {
  const { values } = parseVerb('schedule list', args, PAGING_OPTIONS);
  const out = outputFor(values);
  const pageSize = parsePageSize(values['page-size']);
  const response = await withClients(values, (c) =>
    readPages<ListSchedulesResponse__Output>(
      values['page-token'] ?? '',
      values.all ?? false,
      (pageToken) => call(c.schedules, 'listSchedules', { pageSize, pageToken }, unaryOptions()),
      (pages) => ({ schedules: pages.flatMap((p) => p.schedules), nextPageToken: '' }),
    ),
  );
  out.result(response, () => scheduleTable(out, response.schedules) + nextPageHint(response.nextPageToken));
  return 0;
}

async function update(args: string[]): Promise<number> {
  const { values, positionals } = parseVerb('schedule update', args, SPEC_OPTIONS, ['ID']);
  const out = outputFor(values);
  const scheduleId = positionals[0];
  if (!anySpecFlag(values)) throw new UsageError('schedule update needs at least one spec flag (e.g. --cron, --window); see taskplane schedule --help');
  const response = await withClients(values, async (c) => {
    const spec = await updatedSpec(c, 'schedule update', scheduleId, values);
    return call(c.schedules, 'updateSchedule', { scheduleId, spec }, unaryOptions());
  });
  out.result(response, () => `schedule ${scheduleId} updated\n\n${renderSchedule(response.schedule!)}`);
  return 0;
}

async function setPaused(args: string[], paused: boolean): Promise<number> {
  const command = paused ? 'schedule pause' : 'schedule resume';
  const { values, positionals } = parseVerb(command, args, {}, ['ID']);
  const out = outputFor(values);
  const request = { scheduleId: positionals[0] };
  const response = await withClients(values, (c) =>
    paused ? call(c.schedules, 'pauseSchedule', request, unaryOptions()) : call(c.schedules, 'resumeSchedule', request, unaryOptions()),
  );
  out.result(response, () => `schedule ${positionals[0]} ${paused ? 'paused' : 'resumed'}\n\n${renderSchedule(response.schedule!)}`);
  return 0;
}

async function remove(args: string[]): Promise<number> {
  const { values, positionals } = parseVerb('schedule delete', args, {}, ['ID']);
  const out = outputFor(values);
  const response = await withClients(values, (c) => call(c.schedules, 'deleteSchedule', { scheduleId: positionals[0] }, unaryOptions()));
  out.result(response, () => `schedule ${positionals[0]} deleted; the tasks it created are not touched`);
  return 0;
}

async function preview(args: string[]): Promise<number> {
  const { values, positionals } = parseVerb('schedule preview', args, { ...SPEC_OPTIONS, count: { type: 'string' }, after: { type: 'string' } }, ['[ID]']);
  const out = outputFor(values);
  const scheduleId = positionals[0];
  const count = parseCount(values.count);
  const afterTime = parseTime('--after', values.after);
  const response = await withClients(values, async (c) => {
    // A stored schedule as it is, as `update` would change it, or a spec not created yet.
    const source =
      scheduleId === undefined ? { spec: newSpec('schedule preview', values) } : anySpecFlag(values) ? { spec: await updatedSpec(c, 'schedule preview', scheduleId, values) } : { scheduleId };
    return call(c.schedules, 'previewSchedule', { ...source, count, afterTime }, unaryOptions());
  });
  out.result(response, () => previewTable(out, response));
  return 0;
}

// ---- command-line text -> spec ----

/** A whole new spec from the flags (create, or preview without an ID): --cron, --method and a target are required. */
function newSpec(command: string, values: SpecFlags): ScheduleSpec {
  if (values.cron === undefined) throw new UsageError(`${command} needs --cron EXPR, e.g. --cron "0 2 * * *"`);
  if (values.method === undefined) throw new UsageError(`${command} needs --method CLASS.METHOD`);
  if (values.consumer === undefined && values.selector === undefined) throw new UsageError(`${command} needs --consumer ID or --selector KEY=VALUE`);
  return applySpecFlags(command, values, null);
}

/** The schedule's current spec (read now) with the flags given applied on top of it. */
async function updatedSpec(c: TaskplaneClients, command: string, scheduleId: string, values: SpecFlags): Promise<ScheduleSpec> {
  const { schedule } = await call(c.schedules, 'getSchedule', { scheduleId }, unaryOptions());
  return applySpecFlags(command, values, schedule!.spec);
}

function anySpecFlag(values: SpecFlags): boolean {
  return Object.keys(SPEC_OPTIONS).some((flag) => values[flag as keyof SpecFlags] !== undefined);
}

/** Each flag given replaces its part of `base` (a stored spec, or nothing for a new one); the rest is kept. */
function applySpecFlags(command: string, values: SpecFlags, base: ScheduleSpec__Output | null): ScheduleSpec {
  if (values.consumer !== undefined && values.selector !== undefined) throw new UsageError(`${command}: give --consumer or --selector, not both`);
  const template = base?.taskTemplate;
  const hasArgs = values.args !== undefined || values['args-file'] !== undefined;
  const overlap = parseChoice('--overlap', values.overlap, keysOf(OVERLAP_POLICIES));
  const catchUp = parseChoice('--catch-up', values['catch-up'], keysOf(CATCH_UP_POLICIES));
  return {
    cron: values.cron ?? base?.cron ?? '',
    timeZone: values.tz ?? base?.timeZone ?? 'UTC',
    taskTemplate: {
      method: values.method ?? template?.method ?? '',
      argumentsJson: hasArgs ? argumentsJson(values.args, values['args-file']) : (template?.argumentsJson ?? ''),
      timeoutDuration: optionalDuration('--timeout', values.timeout, template?.timeoutDuration),
      labels: values.label !== undefined ? parseLabels('--label', values.label) : (template?.labels ?? {}),
    },
    target:
      values.consumer !== undefined
        ? { consumerId: values.consumer, consumerSelector: [] }
        : values.selector !== undefined
          ? { consumerId: '', consumerSelector: labelSelector('--selector', values.selector) }
          : (base?.target ?? null),
    windowDuration: optionalDuration('--window', values.window, base?.windowDuration),
    startTime: optionalTime('--start', values.start, base?.startTime),
    endTime: optionalTime('--end', values.end, base?.endTime),
    overlapPolicy: overlap ? OVERLAP_POLICIES[overlap] : (base?.overlapPolicy ?? 'SCHEDULE_OVERLAP_POLICY_UNSPECIFIED'),
    catchUpPolicy: catchUp ? CATCH_UP_POLICIES[catchUp] : (base?.catchUpPolicy ?? 'SCHEDULE_CATCH_UP_POLICY_UNSPECIFIED'),
    catchUpWindowDuration: optionalDuration('--catch-up-window', values['catch-up-window'], base?.catchUpWindowDuration),
  };
}

function keysOf<T extends object>(o: T): (keyof T & string)[] {
  return Object.keys(o) as (keyof T & string)[];
}

/** Not given: `current`; "none": unset; else a duration. */
function optionalDuration(flag: string, text: string | undefined, current: Duration | null | undefined): Duration | null {
  if (text === undefined) return current ?? null;
  return text === 'none' ? null : parseDuration(flag, text);
}

/** Not given: `current`; "none": unset; else an ISO 8601 time. */
function optionalTime(flag: string, text: string | undefined, current: Timestamp | null | undefined): Timestamp | null {
  if (text === undefined) return current ?? null;
  return text === 'none' ? null : parseTime(flag, text);
}

/** --count: 1 to 100 (the server's limit); unset means the server's 5. */
function parseCount(text: string | undefined): number {
  if (text === undefined) return 0;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > MAX_PREVIEW) throw new UsageError(`--count must be a whole number from 1 to ${MAX_PREVIEW}, not "${text}"`);
  return n;
}

// ---- proto fields -> readable text ----

function policyName(value: string, prefix: string): string {
  const name = value.startsWith(prefix) ? value.slice(prefix.length).toLowerCase() : value;
  return name === 'unspecified' ? 'skip' : name;
}

function targetText(spec: ScheduleSpec__Output): string {
  const target = spec.target;
  if (!target) return '';
  return target.consumerId ? `consumer ${target.consumerId}` : `selector ${target.consumerSelector.join(',')}`;
}

/** "2026-03-29T01:00:00Z (in 3 d; 2026-03-29T03:00:00+02:00 Europe/Berlin)": in the shown zone, and in the schedule's. */
function bothTimes(ts: Timestamp | null | undefined, timeZone: string): string {
  if (!ts) return '';
  return `${formatClock(ts)} (${relativeTime(timestampMs(ts))}; ${formatLocalTime(ts, timeZone)} ${timeZone})`;
}

function nextFireText(schedule: Schedule__Output): string {
  // While paused the stored next fire is not used: resuming plans it again from then.
  if (schedule.paused) return 'none while paused';
  if (!schedule.nextFireTime) return 'none (the schedule has ended)';
  return bothTimes(schedule.nextFireTime, schedule.spec!.timeZone);
}

function renderSchedule(schedule: Schedule__Output): string {
  const spec = schedule.spec!;
  const template = spec.taskTemplate;
  const catchUp = policyName(spec.catchUpPolicy, CATCH_UP_PREFIX);
  return details([
    ['schedule', schedule.id],
    ['cron', spec.cron],
    ['time zone', spec.timeZone],
    ['method', template?.method ?? ''],
    ['arguments', template?.argumentsJson ?? ''],
    ['timeout', formatDuration(template?.timeoutDuration)],
    ['labels', formatLabels(template?.labels)],
    ['target', targetText(spec)],
    ['window', formatDuration(spec.windowDuration)],
    ['start', formatTime(spec.startTime)],
    ['end', formatTime(spec.endTime)],
    ['overlap', policyName(spec.overlapPolicy, OVERLAP_PREFIX)],
    ['catch-up', spec.catchUpWindowDuration ? `${catchUp} (within ${formatDuration(spec.catchUpWindowDuration)})` : catchUp],
    ['paused', schedule.paused ? 'yes' : 'no'],
    ['next fire', nextFireText(schedule)],
    ['last fire', bothTimes(schedule.lastFireTime, spec.timeZone)],
    ['missed fires', String(schedule.missedFireCount)],
    ['created', formatTime(schedule.createTime)],
    ['updated', formatTime(schedule.updateTime)],
    ['created by', schedule.createdBy],
  ]);
}

function scheduleTable(out: Output, schedules: Schedule__Output[]): string {
  if (schedules.length === 0) return 'no schedules';
  const rows = schedules.map((s) => ({
    id: s.id,
    cron: s.spec!.cron,
    'time zone': s.spec!.timeZone,
    method: s.spec!.taskTemplate?.method ?? '',
    target: targetText(s.spec!),
    'next fire': s.paused ? 'paused' : formatTime(s.nextFireTime),
  }));
  return out.table(rows, ['id', 'cron', 'time zone', 'method', 'target', 'next fire']);
}

function previewTable(out: Output, preview: PreviewScheduleResponse__Output): string {
  if (preview.fires.length === 0) return `no fires (in ${preview.timeZone}): the schedule ends before then`;
  const rows = preview.fires.map((f: ScheduledFire__Output) => ({
    local: f.fireTimeLocal,
    utc: formatLocalTime(f.fireTime, 'UTC').replace(/\+00:00$/, 'Z'),
    'window end': f.windowEndTimeLocal,
  }));
  return `fires in ${preview.timeZone}:\n${out.table(rows, ['local', 'utc', 'window end'])}`;
}
