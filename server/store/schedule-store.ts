import { selectorFromJson } from '../consumers/selector';
import type { Knex } from 'knex';
import type { FireOutcome, FireTrigger, ScheduleRecord, ScheduleSpec } from '../scheduling/schedule-record';

/** Every SQL statement about schedules and their fires, one named function each. */

type Row = Record<string, any>;

function rowToSchedule(row: Row): ScheduleRecord {
  const template = JSON.parse(row.template_json);
  return {
    id: row.id,
    spec: {
      cron: row.cron,
      timeZone: row.time_zone,
      template,
      target: { consumerId: row.target_consumer_id ?? null, selector: row.target_selector_json ? selectorFromJson(row.target_selector_json) : null, rollout: row.target_rollout_json ? JSON.parse(row.target_rollout_json) : null },
      windowMs: num(row.window_ms),
      startTime: num(row.start_time),
      endTime: num(row.end_time),
      overlapPolicy: row.overlap_policy,
      catchUpPolicy: row.catch_up_policy,
      catchUpWindowMs: num(row.catch_up_window_ms),
    },
    paused: Boolean(row.paused),
    createTime: Number(row.create_time),
    updateTime: Number(row.update_time),
    nextFireTime: num(row.next_fire_time),
    lastFireTime: num(row.last_fire_time),
    missedFireCount: Number(row.missed_fire_count),
    createdBy: row.created_by ?? null,
    ownerScope: row.owner_scope_json ? JSON.parse(row.owner_scope_json) : null,
  };
}

function ownerColumns(s: Pick<ScheduleRecord, 'createdBy' | 'ownerScope'>): Row {
  return { created_by: s.createdBy, owner_scope_json: s.ownerScope ? JSON.stringify(s.ownerScope) : null };
}

function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

function specColumns(spec: ScheduleSpec): Row {
  return {
    cron: spec.cron,
    time_zone: spec.timeZone,
    template_json: JSON.stringify(spec.template),
    target_consumer_id: spec.target.consumerId,
    target_selector_json: spec.target.selector ? JSON.stringify(spec.target.selector) : null,
    target_rollout_json: spec.target.rollout ? JSON.stringify(spec.target.rollout) : null,
    window_ms: spec.windowMs,
    start_time: spec.startTime,
    end_time: spec.endTime,
    overlap_policy: spec.overlapPolicy,
    catch_up_policy: spec.catchUpPolicy,
    catch_up_window_ms: spec.catchUpWindowMs,
  };
}

export async function insertSchedule(db: Knex, s: ScheduleRecord): Promise<void> {
  await db('schedules').insert({
    id: s.id,
    ...specColumns(s.spec),
    ...ownerColumns(s),
    paused: s.paused,
    next_fire_time: s.nextFireTime,
    last_fire_time: null,
    missed_fire_count: 0,
    create_time: s.createTime,
    update_time: s.updateTime,
  });
}

export async function findSchedule(db: Knex, id: string): Promise<ScheduleRecord | null> {
  const row = await db('schedules').where({ id }).first();
  return row ? rowToSchedule(row) : null;
}

/** Oldest first, strictly after the cursor (create_time, id). */
export async function listSchedules(db: Knex, after: { createTime: number; id: string } | null, limit: number): Promise<ScheduleRecord[]> {
  const q = db('schedules').orderBy([{ column: 'create_time' }, { column: 'id' }]).limit(limit);
  if (after) q.where((w) => w.where('create_time', '>', after.createTime).orWhere((x) => x.where('create_time', after.createTime).andWhere('id', '>', after.id)));
  return (await q).map(rowToSchedule);
}

/** Replaces the spec (and its owner) and re-plans the next fire; false if the schedule is gone. */
export async function updateScheduleSpec(
  db: Knex,
  id: string,
  spec: ScheduleSpec,
  owner: Pick<ScheduleRecord, 'createdBy' | 'ownerScope'>,
  nextFireTime: number | null,
  now: number,
): Promise<boolean> {
  return (await db('schedules').where({ id }).update({ ...specColumns(spec), ...ownerColumns(owner), next_fire_time: nextFireTime, update_time: now })) === 1;
}

export async function setSchedulePaused(db: Knex, id: string, paused: boolean, nextFireTime: number | null, now: number): Promise<boolean> {
  const changes: Row = { paused, update_time: now };
  if (!paused) changes.next_fire_time = nextFireTime;
  return (await db('schedules').where({ id }).update(changes)) === 1;
}

export async function deleteSchedule(db: Knex, id: string): Promise<boolean> {
  return (await db('schedules').where({ id }).delete()) === 1;
}

/** Unpaused schedules whose next fire is due by `now`, earliest first. */
export async function dueSchedules(db: Knex, now: number, limit = 100): Promise<ScheduleRecord[]> {
  const rows = await db('schedules').where({ paused: false }).andWhere('next_fire_time', '<=', now).orderBy('next_fire_time').limit(limit);
  return rows.map(rowToSchedule);
}

/** The earliest next fire of any unpaused schedule. */
export async function earliestNextFire(db: Knex): Promise<number | null> {
  const row = await db('schedules').where({ paused: false }).min({ t: 'next_fire_time' }).first();
  return num(row?.t);
}

export interface FireRecord {
  fireTime: number;
  outcome: FireOutcome;
  trigger: FireTrigger;
  /** The group of the fire's tasks (empty for a missed fire). */
  groupId: string;
  taskCount: number;
  recordTime: number;
  /** Why it came out as it did, in a short sentence (empty when it created tasks as planned). */
  detail: string;
}

function fireColumns(scheduleId: string, f: FireRecord): Row {
  return { schedule_id: scheduleId, fire_time: f.fireTime, group_id: f.groupId, outcome: f.outcome, fire_trigger: f.trigger, task_count: f.taskCount, record_time: f.recordTime, detail: f.detail.slice(0, 255) };
}

function rowToFire(r: Row): FireRecord {
  return { fireTime: Number(r.fire_time), outcome: r.outcome, trigger: r.fire_trigger, groupId: r.group_id, taskCount: Number(r.task_count), recordTime: Number(r.record_time), detail: r.detail };
}

/**
 * Records that `fire.fireTime` of the schedule was handled. The primary key
 * makes this succeed for exactly one server (guarantee 6); the caller's
 * transaction rolls back on the duplicate-key error of any other.
 */
export async function recordFire(trx: Knex.Transaction, scheduleId: string, fire: FireRecord): Promise<void> {
  await trx('schedule_fires').insert(fireColumns(scheduleId, fire));
}

/**
 * A backfill of a fire recorded as missed takes that record over: true if
 * this call did (only one of several concurrent ones can, as the update is
 * conditional on the outcome still being "missed").
 */
export async function replaceMissedFire(trx: Knex.Transaction, scheduleId: string, fire: FireRecord): Promise<boolean> {
  const updated = await trx('schedule_fires').where({ schedule_id: scheduleId, fire_time: fire.fireTime, outcome: 'missed' }).update(fireColumns(scheduleId, fire));
  return updated === 1;
}

/**
 * Records fires no server ran in time and the catch-up policy skipped
 * (outcome "missed", no tasks). A fire already recorded (run by a catch-up
 * pass that did not get to move the cursor) keeps its row.
 */
export async function recordMissedFires(trx: Knex.Transaction, scheduleId: string, fireTimes: number[], now: number, detail: string): Promise<void> {
  if (fireTimes.length === 0) return;
  const rows = fireTimes.map((fireTime) => fireColumns(scheduleId, { fireTime, groupId: '', outcome: 'missed', trigger: 'scheduled', taskCount: 0, recordTime: now, detail }));
  await trx('schedule_fires').insert(rows).onConflict(['schedule_id', 'fire_time']).ignore();
}

/** A schedule's recorded fires, latest first, before `beforeFireTime` if given, of one outcome if given. */
export async function listScheduleFires(db: Knex, scheduleId: string, filter: { beforeFireTime: number | null; outcome: FireOutcome | null }, limit: number): Promise<FireRecord[]> {
  const q = db('schedule_fires').where({ schedule_id: scheduleId }).orderBy('fire_time', 'desc').limit(limit);
  if (filter.beforeFireTime !== null) q.where('fire_time', '<', filter.beforeFireTime);
  if (filter.outcome !== null) q.where('outcome', filter.outcome);
  return (await q).map(rowToFire);
}

/** Which of these fire times of the schedule are recorded, with any outcome. */
export async function recordedFireTimes(db: Knex, scheduleId: string, from: number, to: number): Promise<Map<number, FireOutcome>> {
  const rows = await db('schedule_fires').select('fire_time', 'outcome').where({ schedule_id: scheduleId }).andWhere('fire_time', '>=', from).andWhere('fire_time', '<', to);
  return new Map(rows.map((r: Row) => [Number(r.fire_time), r.outcome]));
}

/**
 * Moves the schedule's cursor from `expectedNext` to `nextFireTime`, adding
 * `missed` to its missed count. Conditional on nobody having moved it (or
 * edited the schedule) since it was read: false means "re-read and retry".
 */
export async function advanceSchedule(
  trx: Knex,
  s: ScheduleRecord,
  expectedNext: number,
  nextFireTime: number | null,
  lastFireTime: number,
  missed: number,
): Promise<boolean> {
  const updated = await trx('schedules')
    .where({ id: s.id, next_fire_time: expectedNext, update_time: s.updateTime })
    .update({ next_fire_time: nextFireTime, last_fire_time: lastFireTime, missed_fire_count: trx.raw('missed_fire_count + ?', [missed]) });
  return updated === 1;
}

/** True if tasks of the schedule are unfinished (for the SKIP overlap policy): active_schedule_id is schedule_id until a task ends. */
export async function hasUnfinishedTasks(trx: Knex, scheduleId: string): Promise<boolean> {
  const row = await trx('tasks').select('id').where({ active_schedule_id: scheduleId }).first();
  return row !== undefined;
}

/** Unpaused schedules whose target is this consumer by id (not by selector), oldest first. */
export async function unpausedSchedulesTargeting(trx: Knex, consumerId: string): Promise<ScheduleRecord[]> {
  const rows = await trx('schedules').where({ target_consumer_id: consumerId, paused: false }).orderBy([{ column: 'create_time' }, { column: 'id' }]);
  return rows.map(rowToSchedule);
}

/** Pauses these schedules (as PauseSchedule does: the cursor is kept). */
export async function pauseSchedules(trx: Knex, ids: string[], now: number): Promise<void> {
  if (ids.length) await trx('schedules').whereIn('id', ids).update({ paused: true, update_time: now });
}
