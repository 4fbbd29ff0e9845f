import { call, type TaskplaneClients } from '../client';
import { UsageError } from '../../common/exit-codes';
import { timestampMs } from '../../common/proto-time';
import type { Output } from '../../common/output';
import type { Duration } from '../../protos/generated/google/protobuf/Duration';
import type { Timestamp } from '../../protos/generated/google/protobuf/Timestamp';
import type { Schedule__Output } from '../../protos/generated/taskplane/v1/Schedule';
import type { ScheduleSpec, ScheduleSpec__Output } from '../../protos/generated/taskplane/v1/ScheduleSpec';
import type { RolloutPolicy } from '../../protos/generated/taskplane/v1/RolloutPolicy';
import type { ScheduledFire__Output } from '../../protos/generated/taskplane/v1/ScheduledFire';
import type { ListSchedulesResponse__Output } from '../../protos/generated/taskplane/v1/ListSchedulesResponse';
import type { PreviewScheduleResponse__Output } from '../../protos/generated/taskplane/v1/PreviewScheduleResponse';
import type { ListScheduleFiresRequest } from '../../protos/generated/taskplane/v1/ListScheduleFiresRequest';
import type { ListScheduleFiresResponse__Output } from '../../protos/generated/taskplane/v1/ListScheduleFiresResponse';
import type { ScheduleFire__Output } from '../../protos/generated/taskplane/v1/ScheduleFire';
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
  consumerSelector,
  rolloutPolicy,
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
         (--consumer ID | --selector SELECTOR ... | --id PATTERN) [SPEC FLAGS] [--paused]
      Creates a schedule; each fire creates one task for --consumer, or one
      for every consumer matching --selector and --id at fire time (as one
      group; selectors as for task create). --paused: create it paused (see
      resume).
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
  fires ID [--outcome OUTCOME] [--page-size N] [--page-token TOKEN] [--all]
      The schedule's recorded fires, newest first: each fire's time, outcome
      (created, skipped-overlap, empty-selection, missed), what made it happen
      (scheduled, catch-up, manual, backfill), its group and task count, and
      why it came out so. --outcome: only fires with that outcome.
  trigger ID
      Fires the schedule now, once (recorded as a manual fire), paused or
      not. The overlap policy applies; the next scheduled fire stays.
  backfill ID --from TIME --to TIME
      Runs the fires whose times fall in [--from, --to) and are not recorded
      yet (or were missed), oldest first, as caught-up fires run: the overlap
      policy applies and each task's window starts at its fire time. Running
      it again creates nothing new. --to must not be in the future; at most
      500 fires per call.
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
  --consumer ID | --selector SELECTOR ... and/or --id PATTERN
                       who each fire's tasks are for
  --canary N, --wave N|N%, --max-failures N%
                       roll each fire's group out in waves, as task create
                       does (with --selector or --id); "--canary none"
                       (update) releases fires all at once again
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
{schedules, nextPageToken}, fires: {fires, nextPageToken}, with --all the
pages merged into one object of that shape; trigger: {fire}; backfill:
{fires, alreadyRecordedCount}; preview: {fires, timeZone}).

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
  id: { type: 'string' },
  canary: { type: 'string' },
  wave: { type: 'string' },
  'max-failures': { type: 'string' },
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
const FIRE_OUTCOMES = {
  created: 'SCHEDULE_FIRE_OUTCOME_CREATED',
  'skipped-overlap': 'SCHEDULE_FIRE_OUTCOME_SKIPPED_OVERLAP',
  'empty-selection': 'SCHEDULE_FIRE_OUTCOME_EMPTY_SELECTION',
  missed: 'SCHEDULE_FIRE_OUTCOME_MISSED',
} as const;
const FIRE_OUTCOME_ALL = 'SCHEDULE_FIRE_OUTCOME_UNSPECIFIED' as const;
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
    fires,
    trigger,
    backfill,
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

async function fires(args: string[]): Promise<number> {
  const { values, positionals } = parseVerb('schedule fires', args, { ...PAGING_OPTIONS, outcome: { type: 'string' } }, ['ID']);
  const out = outputFor(values);
  const outcome = parseChoice('--outcome', values.outcome, keysOf(FIRE_OUTCOMES));
  const request: ListScheduleFiresRequest = { scheduleId: positionals[0], outcome: outcome ? FIRE_OUTCOMES[outcome] : FIRE_OUTCOME_ALL, pageSize: parsePageSize(values['page-size']) };
  const response = await withClients(values, (c) =>
    readPages<ListScheduleFiresResponse__Output>(
      values['page-token'] ?? '',
      values.all ?? false,
      (pageToken) => call(c.schedules, 'listScheduleFires', { ...request, pageToken }, unaryOptions()),
      (pages) => ({ fires: pages.flatMap((p) => p.fires), nextPageToken: '' }),
    ),
  );
  out.result(response, () => (response.fires.length ? fireTable(out, response.fires) : 'no recorded fires') + nextPageHint(response.nextPageToken));
  return 0;
}

async function trigger(args: string[]): Promise<number> {
  const { values, positionals } = parseVerb('schedule trigger', args, {}, ['ID']);
  const out = outputFor(values);
  const response = await withClients(values, (c) => call(c.schedules, 'triggerSchedule', { scheduleId: positionals[0] }, unaryOptions()));
  out.result(response, () => `schedule ${positionals[0]} fired by hand\n\n${fireTable(out, [response.fire!])}`);
  return 0;
}

async function backfill(args: string[]): Promise<number> {
  const { values, positionals } = parseVerb('schedule backfill', args, { from: { type: 'string' }, to: { type: 'string' } }, ['ID']);
  const out = outputFor(values);
  if (values.from === undefined || values.to === undefined) throw new UsageError('schedule backfill needs --from TIME and --to TIME');
  const request = { scheduleId: positionals[0], fromTime: parseTime('--from', values.from), toTime: parseTime('--to', values.to) };
  const response = await withClients(values, (c) => call(c.schedules, 'backfillSchedule', request, unaryOptions()));
  const already = response.alreadyRecordedCount ? `; ${response.alreadyRecordedCount} already recorded, left alone` : '';
  out.result(response, () => `backfilled ${response.fires.length} fire(s) of schedule ${positionals[0]}${already}${response.fires.length ? `\n\n${fireTable(out, response.fires)}` : ''}`);
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
  if (values.consumer === undefined && values.selector === undefined && values.id === undefined) throw new UsageError(`${command} needs --consumer ID or --selector KEY=VALUE`);
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
  const fanOut = values.selector !== undefined || values.id !== undefined;
  if (values.consumer !== undefined && fanOut) throw new UsageError(`${command}: give --consumer or --selector/--id, not both`);
  const rollout = values.canary === 'none' ? null : rolloutPolicy(values);
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
    target: withRollout(
      values.consumer !== undefined
        ? { consumerId: values.consumer, consumerSelector: [], consumerIdPattern: '' }
        : fanOut
          ? { consumerId: '', consumerSelector: consumerSelector('--selector', values.selector), consumerIdPattern: values.id ?? '' }
          : (base?.target ?? null),
      values.canary === 'none' ? null : (rollout ?? base?.target?.rollout ?? null),
    ),
    windowDuration: optionalDuration('--window', values.window, base?.windowDuration),
    startTime: optionalTime('--start', values.start, base?.startTime),
    endTime: optionalTime('--end', values.end, base?.endTime),
    overlapPolicy: overlap ? OVERLAP_POLICIES[overlap] : (base?.overlapPolicy ?? 'SCHEDULE_OVERLAP_POLICY_UNSPECIFIED'),
    catchUpPolicy: catchUp ? CATCH_UP_POLICIES[catchUp] : (base?.catchUpPolicy ?? 'SCHEDULE_CATCH_UP_POLICY_UNSPECIFIED'),
    catchUpWindowDuration: optionalDuration('--catch-up-window', values['catch-up-window'], base?.catchUpWindowDuration),
  };
}

/** The target with `rollout` (or without one). */
function withRollout<T extends object>(target: T | null, rollout: RolloutPolicy | null): (T & { rollout: RolloutPolicy | null }) | null {
  return target && { ...target, rollout };
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
  if (target.consumerId) return `consumer ${target.consumerId}`;
  const selection = [target.consumerSelector.length ? `selector ${target.consumerSelector.join(', ')}` : '', target.consumerIdPattern ? `id ${target.consumerIdPattern}` : ''].filter(Boolean).join(', ');
  const p = target.rollout;
  return p ? `${selection}; rollout: canary ${p.canaryCount}, ${p.waveSize ? `waves of ${p.waveSize}` : p.wavePercent ? `waves of ${p.wavePercent}%` : 'then the rest'}, pause at ${p.maxFailurePercent}% failed` : selection;
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

/** "SCHEDULE_FIRE_OUTCOME_SKIPPED_OVERLAP" -> "skipped-overlap", as the flags spell it. */
function enumWord(value: string, prefix: string): string {
  return (value.startsWith(prefix) ? value.slice(prefix.length) : value).toLowerCase().replace(/_/g, '-');
}

function fireTable(out: Output, fires: ScheduleFire__Output[]): string {
  const rows = fires.map((f) => ({
    'fire time': formatTime(f.fireTime),
    outcome: enumWord(f.outcome, 'SCHEDULE_FIRE_OUTCOME_'),
    trigger: enumWord(f.trigger, 'SCHEDULE_FIRE_TRIGGER_'),
    tasks: String(f.taskCount),
    group: f.groupId,
    detail: f.detail,
  }));
  return out.table(rows, ['fire time', 'outcome', 'trigger', 'tasks', 'group', 'detail']);
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
