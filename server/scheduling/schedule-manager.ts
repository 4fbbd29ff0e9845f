import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../clock';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../errors';
import type { Logger } from '../../common/log';
import type { PageTokens } from '../paging';
import { consumerExists, consumerMatches, labelsOfConsumers, listConsumers } from '../store/consumer-store';
import { insertAuditEvents } from '../store/audit-store';
import type { Caller, Scope } from '../security/principal';
import { assertConsumersInScope, assertMethodAllowed } from '../security/scope';
import { deleteSchedule, findSchedule, insertSchedule, listScheduleFires, listSchedules, recordedFireTimes, setSchedulePaused, updateScheduleSpec, type FireRecord } from '../store/schedule-store';
import type { MethodRegistry } from '../tasks/method-registry';
import { validateCreateTask } from '../tasks/task-input';
import { equalitySelector, isEmptySelector } from '../consumers/selector';
import { validateRolloutPolicy } from '../tasks/rollout';
import { CronSchedule, CronSpecError, formatInZone } from '../../common/cron-schedule';
import type { FireRunner } from './fire-runner';
import type { FireOutcome, ScheduleRecord, ScheduleSpec } from './schedule-record';

const MAX_CATCH_UP_WINDOW_MS = 366 * 24 * 3600 * 1000;
const MAX_WINDOW_MS = 366 * 24 * 3600 * 1000;
const MAX_PREVIEW = 100;
/** A backfill runs at most this many fires, each its own transaction, so one call ends well within a client deadline (measured: 500 took 8 s on SQLite, 17 s on MySQL, on a busy 2-core machine); a longer range is refused. */
export const MAX_BACKFILL_FIRES = 500;
/** A trigger whose millisecond is taken tries the next ones, this many in all. */
const MAX_TRIGGER_ATTEMPTS = 5;

export interface PreviewedFire {
  fireTime: number;
  fireTimeLocal: string;
  windowEnd: number | null;
  windowEndLocal: string;
}

/**
 * The schedule logic behind ScheduleService: validation (every error names
 * its "spec.<field>"), storage, pause and resume, and previews. Firing is
 * the Scheduler's job.
 */
export class ScheduleManager {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly methods: MethodRegistry,
    private readonly pageTokens: PageTokens,
    private readonly logger: Logger,
    /** Told the next fire of a schedule that was created, updated or resumed. */
    private readonly onChange: (nextFireTime: number | null) => void,
    /** Runs the fires of TriggerSchedule and BackfillSchedule, as the scheduler runs its own. */
    private readonly fireRunner: FireRunner,
  ) {}

  /** Checks a whole spec; returns it with defaults filled in. Writes nothing. */
  async validate(spec: ScheduleSpec, now: number): Promise<{ spec: ScheduleSpec; cron: CronSchedule }> {
    const timeZone = spec.timeZone || 'UTC';
    const cron = parseSpecCron(spec.cron, timeZone);
    const { target, template } = spec;
    if (Boolean(target.consumerId) === Boolean(target.selector && !isEmptySelector(target.selector))) {
      throw new InvalidArgumentError('spec.target', 'set exactly one of consumer_id and consumer_selector (or consumer_id_pattern)');
    }
    if (target.rollout) {
      if (target.consumerId) throw new InvalidArgumentError('spec.target.rollout', 'needs consumer_selector or consumer_id_pattern: one consumer has no waves');
      target.rollout = validateRolloutPolicy('spec.target.rollout', target.rollout);
    }
    try {
      const valid = validateCreateTask(
        { consumerId: target.consumerId || 'placeholder', method: template.method, argumentsJson: template.argumentsJson, notBeforeTime: null, notAfterTime: null, timeoutMs: template.timeoutMs, labels: template.labels, idempotencyKey: '' },
        now,
      );
      this.methods.get(valid.method)?.validateArguments?.(JSON.parse(valid.argumentsJson));
      template.argumentsJson = valid.argumentsJson;
    } catch (err) {
      if (err instanceof InvalidArgumentError) {
        const field = err.field === 'consumer_id' ? 'spec.target.consumer_id' : `spec.task_template.${err.field}`;
        throw new InvalidArgumentError(field, err.problem);
      }
      throw err;
    }
    if (spec.windowMs !== null && (spec.windowMs <= 0 || spec.windowMs > MAX_WINDOW_MS)) {
      throw new InvalidArgumentError('spec.window_duration', spec.windowMs <= 0 ? 'must be positive (unset it for no window)' : 'must be at most 366 days');
    }
    if (spec.startTime !== null && spec.endTime !== null && spec.endTime <= spec.startTime) throw new InvalidArgumentError('spec.end_time', 'must be after start_time');
    if (spec.catchUpWindowMs !== null && (spec.catchUpWindowMs <= 0 || spec.catchUpWindowMs > MAX_CATCH_UP_WINDOW_MS)) {
      throw new InvalidArgumentError('spec.catch_up_window_duration', spec.catchUpWindowMs <= 0 ? 'must be positive' : 'must be at most 366 days');
    }
    if (spec.catchUpPolicy === 'ALL' && spec.catchUpWindowMs === null) {
      throw new InvalidArgumentError('spec.catch_up_window_duration', 'is required with SCHEDULE_CATCH_UP_POLICY_ALL');
    }
    if (target.consumerId && !(await consumerExists(this.db, target.consumerId))) throw new NotFoundError('consumer', target.consumerId, 'spec.target.consumer_id');
    return { spec: { ...spec, timeZone }, cron };
  }

  /** The first fire strictly after `after`, within [start, end]; null if none. */
  static nextFire(spec: ScheduleSpec, cron: CronSchedule, after: number): number | null {
    const from = spec.startTime !== null ? Math.max(after, spec.startTime - 1) : after;
    const next = cron.next(from);
    return next !== null && (spec.endTime === null || next <= spec.endTime) ? next : null;
  }

  /**
   * The caller may manage a schedule only if it could create its tasks now:
   * the method is within its patterns and every consumer the target reaches
   * (the consumer, or the selector's matches today) is within its selector.
   * Fires are filtered again by the owner's scope at fire time.
   */
  private async assertInScope(caller: Caller, spec: ScheduleSpec): Promise<void> {
    assertMethodAllowed(caller.principal, 'schedules.manage', spec.template.method);
    if (!caller.principal.scope.selector) return;
    const consumers = spec.target.consumerId
      ? [...(await labelsOfConsumers(this.db, [spec.target.consumerId]))].map(([id, labels]) => ({ id, labels }))
      : await listConsumers(this.db, spec.target.selector ?? equalitySelector({}), null, 1000);
    assertConsumersInScope(caller.principal, 'schedules.manage', consumers);
  }

  async create(input: ScheduleSpec, paused: boolean, caller: Caller): Promise<ScheduleRecord> {
    const now = this.clock.now();
    const { spec, cron } = await this.validate(input, now);
    await this.assertInScope(caller, spec);
    const record: ScheduleRecord = {
      id: crypto.randomUUID(),
      spec,
      paused,
      createTime: now,
      updateTime: now,
      nextFireTime: ScheduleManager.nextFire(spec, cron, now),
      lastFireTime: null,
      missedFireCount: 0,
      createdBy: caller.label,
      ownerScope: ownerScope(caller),
    };
    await this.db.transaction(async (trx) => {
      await insertSchedule(trx, record);
      await insertAuditEvents(trx, [caller.auditEvent(`schedule/${record.id}`, now, { cron: spec.cron, time_zone: spec.timeZone, method: spec.template.method, target: spec.target })]);
    });
    caller.recorded = true;
    this.logger.info({ event: 'schedule.created', scheduleId: record.id, cron: spec.cron, timeZone: spec.timeZone, nextFireTime: iso(record.nextFireTime) }, 'schedule created');
    if (!paused) this.onChange(record.nextFireTime);
    return record;
  }

  async get(id: string): Promise<ScheduleRecord> {
    if (!id) throw new InvalidArgumentError('schedule_id', 'is required');
    if (id.length > 64) throw new InvalidArgumentError('schedule_id', 'is longer than 64 characters');
    const found = await findSchedule(this.db, id);
    if (!found) throw new NotFoundError('schedule', id, 'schedule_id');
    return found;
  }

  async list(pageSize: number, pageToken: string): Promise<{ schedules: ScheduleRecord[]; nextPageToken: string }> {
    const cursor = this.pageTokens.decode<string>('page_token', pageToken, { list: 'schedules' }, 'string');
    const after = cursor ? parseCursor(cursor) : null;
    const rows = await listSchedules(this.db, after, pageSize + 1);
    const more = rows.length > pageSize;
    const page = more ? rows.slice(0, pageSize) : rows;
    const last = page[page.length - 1];
    return { schedules: page, nextPageToken: more ? this.pageTokens.encode(`${last.createTime}:${last.id}`, { list: 'schedules' }) : '' };
  }

  /** Replaces the spec; an invalid one changes nothing. The next fire is planned again from now. */
  async update(id: string, input: ScheduleSpec, caller: Caller): Promise<ScheduleRecord> {
    const current = await this.get(id);
    await this.assertInScope(caller, current.spec);
    const now = this.clock.now();
    const { spec, cron } = await this.validate(input, now);
    await this.assertInScope(caller, spec);
    const owner = { createdBy: caller.label, ownerScope: ownerScope(caller) };
    const updated = await this.db.transaction(async (trx) => {
      if (!(await updateScheduleSpec(trx, id, spec, owner, ScheduleManager.nextFire(spec, cron, now), now))) return false;
      await insertAuditEvents(trx, [caller.auditEvent(`schedule/${id}`, now, { cron: spec.cron, time_zone: spec.timeZone, method: spec.template.method, target: spec.target })]);
      return true;
    });
    if (!updated) throw new NotFoundError('schedule', id, 'schedule_id');
    caller.recorded = true;
    this.logger.info({ event: 'schedule.updated', scheduleId: id, by: caller.principal.id }, 'schedule updated');
    const record = await this.get(id);
    if (!record.paused) this.onChange(record.nextFireTime);
    return record;
  }

  /** Pausing keeps the cursor; resuming plans the next fire from now (fires due while paused are not made up). */
  async setPaused(id: string, paused: boolean, caller: Caller): Promise<ScheduleRecord> {
    const current = await this.get(id);
    await this.assertInScope(caller, current.spec);
    const now = this.clock.now();
    const next = paused ? current.nextFireTime : ScheduleManager.nextFire(current.spec, parseSpecCron(current.spec.cron, current.spec.timeZone), now);
    const changed = await this.db.transaction(async (trx) => {
      if (!(await setSchedulePaused(trx, id, paused, next, now))) return false;
      await insertAuditEvents(trx, [caller.auditEvent(`schedule/${id}`, now)]);
      return true;
    });
    if (!changed) throw new NotFoundError('schedule', id, 'schedule_id');
    caller.recorded = true;
    this.logger.info({ event: paused ? 'schedule.paused' : 'schedule.resumed', scheduleId: id }, paused ? 'schedule paused' : 'schedule resumed');
    if (!paused) this.onChange(next);
    return this.get(id);
  }

  async delete(id: string, caller: Caller): Promise<void> {
    const current = await this.get(id);
    await this.assertInScope(caller, current.spec);
    const now = this.clock.now();
    const deleted = await this.db.transaction(async (trx) => {
      if (!(await deleteSchedule(trx, id))) return false;
      await insertAuditEvents(trx, [caller.auditEvent(`schedule/${id}`, now)]);
      return true;
    });
    if (!deleted) throw new NotFoundError('schedule', id, 'schedule_id');
    caller.recorded = true;
    this.logger.info({ event: 'schedule.deleted', scheduleId: id, by: caller.principal.id }, 'schedule deleted');
  }

  /** The schedule's recorded fires, latest first (for the console). */
  async fires(id: string, limit = 50): Promise<FireRecord[]> {
    await this.get(id);
    return listScheduleFires(this.db, id, { beforeFireTime: null, outcome: null }, limit);
  }

  /** A page of the schedule's recorded fires, latest first, of one outcome if given. */
  async listFires(id: string, outcome: FireOutcome | null, pageSize: number, pageToken: string): Promise<{ fires: FireRecord[]; nextPageToken: string }> {
    await this.get(id);
    const filters = { list: 'schedule_fires', id, outcome };
    const before = this.pageTokens.decode<number>('page_token', pageToken, filters, 'number');
    const rows = await listScheduleFires(this.db, id, { beforeFireTime: before, outcome }, pageSize + 1);
    const more = rows.length > pageSize;
    const page = more ? rows.slice(0, pageSize) : rows;
    return { fires: page, nextPageToken: more ? this.pageTokens.encode(page[page.length - 1].fireTime, filters) : '' };
  }

  /**
   * Fires the schedule now, as a manual fire, paused or not: the overlap
   * policy applies (under skip, a trigger while earlier tasks are unfinished
   * is recorded as skipped). The schedule's cursor is left alone. Its fire
   * time is now; if that very millisecond is already recorded (another
   * trigger, or the scheduler's fire at that instant) it takes the next one.
   */
  async trigger(id: string, caller: Caller): Promise<FireRecord> {
    const s = await this.get(id);
    await this.assertInScope(caller, s.spec);
    const now = this.clock.now();
    for (let fireTime = now; fireTime < now + MAX_TRIGGER_ATTEMPTS; fireTime++) {
      const result = await this.fireRunner.run(s, fireTime, now, { trigger: 'manual', alsoWrite: (trx, fire) => this.audit(trx, caller, id, now, fire) });
      if (result === 'duplicate') continue;
      if (result === 'moved') break;
      caller.recorded = true;
      return result.done;
    }
    throw new FailedPreconditionError(`schedule "${id}" could not be triggered: it was being fired at the same moment; try again`);
  }

  /**
   * Runs the schedule's fires whose times fall in [from, to) and are not
   * recorded yet (or were recorded as missed), oldest first, each as a
   * catch-up fire runs: the overlap policy applies and each task's window
   * starts at its fire time. The cursor is left alone. A fire time already
   * recorded is left as it is, so the same backfill again creates nothing.
   */
  async backfill(id: string, from: number | null, to: number | null, caller: Caller): Promise<{ fires: FireRecord[]; alreadyRecorded: number }> {
    const s = await this.get(id);
    await this.assertInScope(caller, s.spec);
    const now = this.clock.now();
    if (from === null) throw new InvalidArgumentError('from_time', 'is required');
    if (to === null) throw new InvalidArgumentError('to_time', 'is required');
    if (to <= from) throw new InvalidArgumentError('to_time', 'must be after from_time');
    if (to > now) throw new InvalidArgumentError('to_time', `is in the future (now is ${new Date(now).toISOString()}); only past fires can be backfilled`);
    const cron = parseSpecCron(s.spec.cron, s.spec.timeZone);
    const times: number[] = [];
    for (let t = ScheduleManager.nextFire(s.spec, cron, from - 1); t !== null && t < to; t = ScheduleManager.nextFire(s.spec, cron, t)) {
      if (times.length === MAX_BACKFILL_FIRES) throw new InvalidArgumentError('from_time', `the range holds more than ${MAX_BACKFILL_FIRES} fires; backfill it in parts`);
      times.push(t);
    }
    const recorded = await recordedFireTimes(this.db, id, from, to);
    const fires: FireRecord[] = [];
    let alreadyRecorded = 0;
    for (const fireTime of times) {
      const outcome = recorded.get(fireTime);
      const result = outcome === undefined || outcome === 'missed' ? await this.fireRunner.run(s, fireTime, now, { trigger: 'backfill', alsoWrite: (trx, fire) => this.audit(trx, caller, id, now, fire) }) : 'duplicate';
      if (result === 'moved') break;
      if (result === 'duplicate') alreadyRecorded++;
      else fires.push(result.done);
    }
    caller.recorded = fires.length > 0;
    this.logger.info({ event: 'schedule.backfilled', scheduleId: id, from: iso(from), to: iso(to), fired: fires.length, alreadyRecorded, by: caller.principal.id }, 'schedule backfilled');
    return { fires, alreadyRecorded };
  }

  /** The audit row of a triggered or backfilled fire, in the fire's transaction. */
  private async audit(trx: Knex.Transaction, caller: Caller, id: string, now: number, fire: FireRecord): Promise<void> {
    await insertAuditEvents(trx, [caller.auditEvent(`schedule/${id}`, now, { fire_time: iso(fire.fireTime), outcome: fire.outcome, task_count: fire.taskCount })]);
  }

  /** Schedules whose fires would create a task for this consumer now: it is their target, or matches their selector. */
  async schedulesTargeting(consumerId: string): Promise<ScheduleRecord[]> {
    const targeting: ScheduleRecord[] = [];
    let after: { createTime: number; id: string } | null = null;
    for (;;) {
      const page = await listSchedules(this.db, after, 500);
      for (const s of page) {
        const { target } = s.spec;
        if (target.consumerId ? target.consumerId === consumerId : await consumerMatches(this.db, consumerId, target.selector ?? equalitySelector({}))) targeting.push(s);
      }
      if (page.length < 500) return targeting;
      after = { createTime: page[page.length - 1].createTime, id: page[page.length - 1].id };
    }
  }

  /** The next `count` fires after `after` with their windows, on the zone's wall clock and in UTC. */
  async preview(source: { scheduleId: string } | { schedule: ScheduleRecord } | { spec: ScheduleSpec }, count: number, after: number | null): Promise<{ timeZone: string; fires: PreviewedFire[] }> {
    if (!Number.isInteger(count) || count < 0 || count > MAX_PREVIEW) throw new InvalidArgumentError('count', `must be between 1 and ${MAX_PREVIEW}`);
    const now = this.clock.now();
    const spec = 'scheduleId' in source ? (await this.get(source.scheduleId)).spec : 'schedule' in source ? source.schedule.spec : (await this.validate(source.spec, now)).spec;
    const cron = parseSpecCron(spec.cron, spec.timeZone);
    const fires: PreviewedFire[] = [];
    let cursor = after ?? now;
    while (fires.length < (count || 5)) {
      const fire = ScheduleManager.nextFire(spec, cron, cursor);
      if (fire === null) break;
      fires.push(previewedFire(spec, fire));
      cursor = fire;
    }
    return { timeZone: spec.timeZone, fires };
  }

  /**
   * The fires of `schedule` strictly after `after` and strictly before
   * `before`, earliest first: the first `limit` of them, or with `latest`
   * the last `limit`. Found by walking forward (as preview does, so DST is
   * handled the same way); `latest` walks windows that grow back from
   * `before`, so the cost follows the fires returned, not the span.
   */
  firesBetween(schedule: ScheduleRecord, after: number, before: number, limit: number, latest = false): PreviewedFire[] {
    const { spec } = schedule;
    const cron = parseSpecCron(spec.cron, spec.timeZone);
    const walk = (from: number, max: number) => {
      const found: number[] = [];
      for (let cursor = from; found.length < max; ) {
        const fire = ScheduleManager.nextFire(spec, cron, cursor);
        if (fire === null || fire >= before) break;
        found.push(fire);
        cursor = fire;
      }
      return found;
    };
    let times: number[];
    if (!latest) times = walk(after, limit);
    else {
      for (let span = 3600_000; ; span *= 4) {
        const from = Math.max(after, before - span);
        times = walk(from, Number.MAX_SAFE_INTEGER).slice(-limit);
        if (times.length >= limit || from === after) break;
      }
    }
    return times.map((fire) => previewedFire(spec, fire));
  }
}

/** A fire with its window, on the zone's wall clock and in UTC. */
function previewedFire(spec: ScheduleSpec, fire: number): PreviewedFire {
  const windowEnd = spec.windowMs === null ? null : fire + spec.windowMs;
  return { fireTime: fire, fireTimeLocal: formatInZone(fire, spec.timeZone), windowEnd, windowEndLocal: windowEnd === null ? '' : formatInZone(windowEnd, spec.timeZone) };
}

/** The scope a schedule's fires keep to: its owner's, or null when unscoped. */
function ownerScope(caller: Caller): Scope | null {
  const { scope } = caller.principal;
  return scope.selector || scope.methods ? scope : null;
}

/** The spec's cron expression in its zone; a refusal is INVALID_ARGUMENT on spec.cron or spec.time_zone. */
function parseSpecCron(expression: string, timeZone: string): CronSchedule {
  try {
    return CronSchedule.parse(expression, timeZone, 'spec.cron', 'spec.time_zone');
  } catch (err) {
    if (err instanceof CronSpecError) throw new InvalidArgumentError(err.field, err.problem);
    throw err;
  }
}

function parseCursor(cursor: string): { createTime: number; id: string } {
  const [time, id] = cursor.split(':');
  if (!id || !Number.isSafeInteger(Number(time))) throw new InvalidArgumentError('page_token', 'is malformed');
  return { createTime: Number(time), id };
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
