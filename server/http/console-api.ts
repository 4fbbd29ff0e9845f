import type { Clock } from '../clock';
import type { ConsumerManager } from '../consumers/consumer-manager';
import { InvalidArgumentError } from '../errors';
import type { ScheduleManager } from '../scheduling/schedule-manager';
import type { TaskManager } from '../tasks/task-manager';
import type { CreateTaskInput } from '../tasks/task-input';
import type { TaskRecord } from '../tasks/task-record';
import { optionalTraceparent, pageSize, parseLabelSelector, truncate } from '../validation';
import { parseConsumerSelector } from '../consumers/selector';
import { TRACEPARENT } from '../../common/trace-context';
import { PERMISSIONS, type Permission } from './authorize';
import type { Caller } from '../security/principal';
import {
  consumerJson,
  eventJson,
  fieldsOf,
  fireJson,
  groupJson,
  historyJson,
  parseDuration,
  parseInteger,
  parseState,
  parseTime,
  previewJson,
  scheduleJson,
  taskJson,
  time,
} from './json';

/** One request to the API, as a route sees it. */
export interface ApiRequest {
  params: string[];
  query: URLSearchParams;
  /** The parsed JSON body of a POST. */
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  /** Who asks, as the authorizer proved it. */
  caller: Caller;
}

export interface Route {
  method: 'GET' | 'POST';
  /** Matched against the path after /api; its groups are `params`. */
  pattern: RegExp;
  /** Each is checked (Authorize) before the route runs; for some routes they depend on the request. */
  permissions: Permission[] | ((request: ApiRequest) => Permission[]);
  handle(request: ApiRequest): Promise<unknown>;
}

const HOUR = 3600_000;
const MAX_TIMELINE_SPAN = 31 * 24 * HOUR;
/** Of a timeline's span, how many of each kind of entry it shows at most. */
const TIMELINE_LIMIT = 500;

/**
 * The console's JSON API: every route calls the managers the gRPC services
 * call (TaskManager, ConsumerManager, ScheduleManager), so every rule and
 * check is the same on both edges; this file only reads requests and shapes
 * answers (json.ts). Errors are domain errors, mapped once (http-status.ts).
 */
export function consoleRoutes(deps: { tasks: TaskManager; consumers: ConsumerManager; schedules: ScheduleManager; clock: Clock }): Route[] {
  const { tasks, consumers, schedules, clock } = deps;
  const P = PERMISSIONS;

  return [
    route('GET', /^\/consumers$/, [P.listConsumers, P.listTasks], async ({ query }) => {
      const selector = parseConsumerSelector('label_selector', query.getAll('label_selector'), 'consumer_id_pattern', query.get('consumer_id_pattern') ?? '');
      const page = await consumers.list(selector, pageSize('page_size', parseInteger('page_size', query.get('page_size'), 0)), query.get('page_token') ?? '');
      const counts = await tasks.unfinishedCountsByConsumer(page.consumers.map((c) => c.id));
      return { consumers: page.consumers.map((c) => ({ ...consumerJson(c), unfinished: counts.get(c.id) ?? {} })), next_page_token: page.nextPageToken };
    }),

    route('GET', /^\/consumers\/([^/]+)$/, [P.getConsumer], async ({ params }) => ({ consumer: consumerJson(await consumers.get(params[0])) })),

    route('GET', /^\/consumers\/([^/]+)\/timeline$/, [P.getConsumer, P.listTasks, P.listConsumerHistory, P.listSchedules, P.previewSchedule], async ({ params, query }) => {
      const consumer = await consumers.get(params[0]);
      const now = clock.now();
      const from = parseTime('from', query.get('from')) ?? now - 24 * HOUR;
      const to = parseTime('to', query.get('to')) ?? now + 48 * HOUR;
      if (to <= from) throw new InvalidArgumentError('to', 'must be after from');
      if (to - from > MAX_TIMELINE_SPAN) throw new InvalidArgumentError('to', 'is more than 31 days after from');
      const created = await tasks.list({ consumerId: consumer.id, createTimeFrom: from, createTimeTo: to }, TIMELINE_LIMIT, '', false);
      // Tasks created earlier for a time in the span are on it too.
      const waiting = await tasks.list({ consumerId: consumer.id, states: ['SCHEDULED'] }, TIMELINE_LIMIT, '', false);
      const byId = new Map<string, TaskRecord>([...created.tasks, ...waiting.tasks].map((t) => [t.id, t]));
      const history = await consumers.history(consumer.id, { eventTimeFrom: from, eventTimeTo: to }, TIMELINE_LIMIT, '');
      const fires = [];
      for (const s of await schedules.schedulesTargeting(consumer.id)) {
        if (s.paused) continue;
        const preview = await schedules.preview({ schedule: s }, 100, Math.max(now, from));
        for (const fire of preview.fires.filter((f) => f.fireTime <= to)) {
          fires.push({ schedule_id: s.id, cron: s.spec.cron, time_zone: s.spec.timeZone, method: s.spec.template.method, ...previewJson(fire) });
        }
      }
      return {
        consumer: consumerJson(consumer),
        from: time(from),
        to: time(to),
        now: time(now),
        tasks: [...byId.values()].map(taskJson),
        history: history.events.map(historyJson),
        fires,
      };
    }),

    route('GET', /^\/tasks$/, [P.listTasks], async ({ query }) => {
      const filter = {
        consumerId: query.get('consumer_id') || undefined,
        states: query.getAll('states').map((s, i) => parseState(`states[${i}]`, s)),
        method: query.get('method') || undefined,
        labels: parseLabelSelector('label_selector', query.getAll('label_selector')),
        createTimeFrom: parseTime('create_time_from', query.get('create_time_from')) ?? undefined,
        createTimeTo: parseTime('create_time_to', query.get('create_time_to')) ?? undefined,
        groupId: query.get('group_id') || undefined,
        scheduleId: query.get('schedule_id') || undefined,
      };
      const page = await tasks.list(filter, pageSize('page_size', parseInteger('page_size', query.get('page_size'), 0)), query.get('page_token') ?? '', false);
      return { tasks: page.tasks.map(taskJson), next_page_token: page.nextPageToken };
    }),

    route('POST', /^\/tasks$/, ({ body }) => [hasSelector(body) ? P.createTaskGroup : P.createTask], async ({ body, headers, caller }) => {
      const fields = fieldsOf(body, {
        consumer_id: 'string',
        consumer_selector: 'array',
        method: 'string',
        arguments_json: 'string',
        not_before_time: 'string',
        not_after_time: 'string',
        timeout_duration: 'string',
        labels: 'object',
        idempotency_key: 'string',
      });
      const traceparent = optionalTraceparent(TRACEPARENT, headerValues(headers[TRACEPARENT]));
      const input: CreateTaskInput = {
        consumerId: fields.consumer_id ?? '',
        method: fields.method ?? '',
        argumentsJson: fields.arguments_json ?? '',
        notBeforeTime: parseTime('not_before_time', fields.not_before_time),
        notAfterTime: parseTime('not_after_time', fields.not_after_time),
        timeoutMs: parseDuration('timeout_duration', fields.timeout_duration),
        labels: strings('labels', fields.labels ?? {}),
        idempotencyKey: fields.idempotency_key ?? '',
        traceparent,
      };
      if (fields.consumer_selector?.length) {
        if (fields.consumer_id) throw new InvalidArgumentError('consumer_id', 'give consumer_id or consumer_selector, not both');
        const selector = parseConsumerSelector('consumer_selector', fields.consumer_selector.map((term, i) => string(`consumer_selector[${i}]`, term)), 'consumer_id_pattern', '');
        const group = await tasks.createGroup(selector, { ...input, consumerId: '' }, caller);
        return { group_id: group.groupId, tasks: group.tasks.map(taskJson) };
      }
      return { task: taskJson(await tasks.create(input, caller)) };
    }),

    route('GET', /^\/tasks\/([^/]+)$/, [P.getTask], async ({ params }) => {
      const task = await tasks.get(params[0]);
      return { task: taskJson(task), events: (await tasks.events(task.id)).map(eventJson) };
    }),

    route('POST', /^\/tasks\/([^/]+)\/cancel$/, [P.cancelTask], async ({ params, body, caller }) => {
      const { reason } = fieldsOf(body ?? {}, { reason: 'string' });
      return { task: taskJson(await tasks.cancel(params[0], reason ?? '', caller)) };
    }),

    route('GET', /^\/groups$/, [P.listTasks], async ({ query }) => {
      const limit = parseInteger('limit', query.get('limit'), 50);
      if (limit < 1 || limit > 200) throw new InvalidArgumentError('limit', `must be between 1 and 200, got ${limit}`);
      return { groups: (await tasks.recentGroups(limit)).map(groupJson) };
    }),

    route('GET', /^\/groups\/([^/]+)$/, [P.listTasks], async ({ params }) => {
      const group = await tasks.group(params[0]);
      return { group: groupJson(group.summary), tasks: group.tasks.map(taskJson) };
    }),

    route('POST', /^\/groups\/([^/]+)\/cancel$/, [P.cancelTaskGroup], async ({ params, body, caller }) => {
      const { reason } = fieldsOf(body ?? {}, { reason: 'string' });
      return { tasks: (await tasks.cancelGroup(params[0], reason ?? '', caller)).map(taskJson) };
    }),

    route('GET', /^\/schedules$/, [P.listSchedules], async ({ query }) => {
      const page = await schedules.list(pageSize('page_size', parseInteger('page_size', query.get('page_size'), 0)), query.get('page_token') ?? '');
      return { schedules: page.schedules.map(scheduleJson), next_page_token: page.nextPageToken };
    }),

    route('GET', /^\/schedules\/([^/]+)$/, [P.getSchedule, P.previewSchedule], async ({ params }) => {
      const schedule = await schedules.get(params[0]);
      const preview = await schedules.preview({ schedule }, 10, null);
      return { schedule: scheduleJson(schedule), preview: { time_zone: preview.timeZone, fires: preview.fires.map(previewJson) }, fires: (await schedules.fires(schedule.id, 50)).map(fireJson) };
    }),

    route('POST', /^\/schedules\/([^/]+)\/pause$/, [P.pauseSchedule], async ({ params, caller }) => ({ schedule: scheduleJson(await schedules.setPaused(params[0], true, caller)) })),
    route('POST', /^\/schedules\/([^/]+)\/resume$/, [P.resumeSchedule], async ({ params, caller }) => ({ schedule: scheduleJson(await schedules.setPaused(params[0], false, caller)) })),
  ];
}

/** A create for a selector is a CreateTaskGroup, and needs its permission. */
function hasSelector(body: unknown): boolean {
  const selector = body && typeof body === 'object' ? (body as { consumer_selector?: unknown }).consumer_selector : undefined;
  return Array.isArray(selector) && selector.length > 0;
}

function route(method: Route['method'], pattern: RegExp, permissions: Route['permissions'], handle: Route['handle']): Route {
  return { method, pattern, permissions, handle };
}

function headerValues(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function string(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new InvalidArgumentError(field, `must be a string, got ${value === null ? 'null' : typeof value}`);
  return value;
}

/** An object whose every value is a string (labels). */
function strings(field: string, value: Record<string, unknown>): Record<string, string> {
  for (const [key, v] of Object.entries(value)) string(`${field}["${truncate(key)}"]`, v);
  return value as Record<string, string>;
}
