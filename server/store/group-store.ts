import type { Knex } from 'knex';
import type { Dialect } from './database';
import type { TaskStateName } from '../tasks/states';
import type { GroupEventRecord, GroupStateName, NewGroupEvent, TaskGroupRecord } from '../tasks/rollout';

/**
 * SQL of rolled-out groups: the group row (task_groups), its events
 * (task_group_events) and the per-wave view of its tasks (tasks.rollout_wave).
 * Every change of a group row is a guarded UPDATE on the state (and wave) its
 * writer read, so of two servers advancing one group exactly one wins.
 */

type Row = Record<string, any>;

function rowToGroup(row: Row): TaskGroupRecord {
  return {
    id: row.id,
    method: row.method,
    state: row.state,
    policy: JSON.parse(row.policy_json),
    currentWave: Number(row.current_wave),
    waveCount: Number(row.wave_count),
    resumedWave: row.resumed_wave == null ? null : Number(row.resumed_wave),
    pauseReason: row.pause_reason ?? null,
    notBeforeTime: row.not_before_time == null ? null : Number(row.not_before_time),
    scheduleId: row.schedule_id ?? null,
    createTime: Number(row.create_time),
    updateTime: Number(row.update_time),
  };
}

export async function insertGroup(trx: Knex.Transaction, group: TaskGroupRecord): Promise<void> {
  await trx('task_groups').insert({
    id: group.id,
    method: group.method,
    state: group.state,
    policy_json: JSON.stringify(group.policy),
    current_wave: group.currentWave,
    wave_count: group.waveCount,
    resumed_wave: group.resumedWave,
    pause_reason: group.pauseReason,
    not_before_time: group.notBeforeTime,
    schedule_id: group.scheduleId,
    create_time: group.createTime,
    update_time: group.updateTime,
  });
}

export async function findGroup(db: Knex, id: string): Promise<TaskGroupRecord | null> {
  const row = await db('task_groups').where({ id }).first();
  return row ? rowToGroup(row) : null;
}

/** Ids of groups in `state` (RUNNING: those a sweep may advance). */
export async function groupIdsIn(db: Knex, state: GroupStateName, limit = 1000): Promise<string[]> {
  return (await db('task_groups').select('id').where({ state }).orderBy('create_time').limit(limit)).map((r: Row) => r.id);
}

/**
 * Moves the group only if it is still where its writer saw it (`from`: its
 * state, and its wave if given). Returns whether this writer won.
 */
export async function moveGroup(trx: Knex.Transaction, id: string, from: { states: readonly GroupStateName[]; wave?: number }, changes: { state?: GroupStateName; currentWave?: number; resumedWave?: number | null; pauseReason?: string | null; now: number }): Promise<boolean> {
  const q = trx('task_groups').where({ id }).whereIn('state', from.states);
  if (from.wave !== undefined) q.andWhere({ current_wave: from.wave });
  const columns: Row = { update_time: changes.now };
  if (changes.state !== undefined) columns.state = changes.state;
  if (changes.currentWave !== undefined) columns.current_wave = changes.currentWave;
  if (changes.resumedWave !== undefined) columns.resumed_wave = changes.resumedWave;
  if (changes.pauseReason !== undefined) columns.pause_reason = changes.pauseReason;
  return (await q.update(columns)) === 1;
}

/** How many of the group's tasks are in each state, per wave. */
export async function waveStateCounts(db: Knex, groupId: string): Promise<Array<{ wave: number; state: TaskStateName; count: number }>> {
  const rows = await db('tasks').select('rollout_wave', 'state').count({ n: '*' }).where({ group_id: groupId }).groupBy('rollout_wave', 'state');
  return rows.map((r: Row) => ({ wave: Number(r.rollout_wave ?? 0), state: r.state, count: Number(r.n) }));
}

/** The held tasks of one wave (SCHEDULED, no not_before), locked for their release. */
export async function lockHeldTasks(trx: Knex.Transaction, dialect: Dialect, groupId: string, wave: number): Promise<Array<{ id: string; consumerId: string }>> {
  const q = trx('tasks').select('id', 'consumer_id').where({ group_id: groupId, rollout_wave: wave, state: 'SCHEDULED' }).whereNull('not_before_time');
  if (dialect === 'mysql') q.forUpdate();
  return (await q).map((r: Row) => ({ id: r.id, consumerId: r.consumer_id }));
}

/** Gives held tasks the group's future not_before: they stay SCHEDULED, and the release sweep takes them from there. */
export async function setHeldNotBefore(trx: Knex.Transaction, ids: string[], notBefore: number, now: number): Promise<number> {
  let changed = 0;
  for (let i = 0; i < ids.length; i += 500) {
    changed += await trx('tasks').whereIn('id', ids.slice(i, i + 500)).where({ state: 'SCHEDULED' }).whereNull('not_before_time').update({ not_before_time: notBefore, update_time: now });
  }
  return changed;
}

/** The group's tasks in `states` (those not yet started, for an abort), locked. */
export async function lockGroupTasksIn(trx: Knex.Transaction, dialect: Dialect, groupId: string, states: readonly TaskStateName[]): Promise<Array<{ id: string; consumerId: string }>> {
  const q = trx('tasks').select('id', 'consumer_id').where({ group_id: groupId }).whereIn('state', states);
  if (dialect === 'mysql') q.forUpdate();
  return (await q).map((r: Row) => ({ id: r.id, consumerId: r.consumer_id }));
}

export async function insertGroupEvent(trx: Knex.Transaction, event: NewGroupEvent): Promise<void> {
  await trx('task_group_events').insert({ group_id: event.groupId, type: event.type, wave: event.wave, state: event.state, event_time: event.eventTime, cause: event.cause.slice(0, 255) });
}

/** The group's events after `afterId`, in id order. */
export async function listGroupEventsAfter(db: Knex, groupId: string, afterId: number, limit = 500): Promise<GroupEventRecord[]> {
  const rows = await db('task_group_events').where({ group_id: groupId }).andWhere('id', '>', afterId).orderBy('id').limit(limit);
  return rows.map((r: Row) => ({ id: Number(r.id), groupId: r.group_id, type: r.type, wave: Number(r.wave), state: r.state, eventTime: Number(r.event_time), cause: r.cause }));
}
