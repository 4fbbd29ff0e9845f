import type { Knex } from 'knex';
import type { Dialect } from './database';
import { insertHistoryEvents } from './consumer-store';
import { insertTaskEvents } from './task-store';

/**
 * SQL of time: releasing SCHEDULED tasks that fell due, and expiring tasks
 * whose window closed before they could start. Both read their rows
 * FOR UPDATE SKIP LOCKED on MySQL, so several servers ticking at once share
 * the work instead of queueing on each other's rows (knex cannot compile
 * SKIP LOCKED for SQLite, where the single writer serialises ticks anyway).
 */

export interface DueTask {
  id: string;
  consumerId: string;
}

function lockDue(q: Knex.QueryBuilder, dialect: Dialect): Knex.QueryBuilder {
  return dialect === 'mysql' ? q.forUpdate().skipLocked() : q;
}

/** SCHEDULED tasks with not_before <= now (and a window still open) become WAITING. */
export async function releaseDueTasks(trx: Knex.Transaction, dialect: Dialect, now: number, limit = 1000): Promise<DueTask[]> {
  const rows: Array<{ id: string; consumer_id: string }> = await lockDue(
    trx('tasks')
      .select('id', 'consumer_id')
      .where({ state: 'SCHEDULED' })
      .andWhere('not_before_time', '<=', now)
      .andWhere((w) => w.whereNull('not_after_time').orWhere('not_after_time', '>', now))
      .orderBy('not_before_time')
      .limit(limit),
    dialect,
  );
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  await trx('tasks').whereIn('id', ids).andWhere({ state: 'SCHEDULED' }).update({ state: 'WAITING', update_time: now });
  await insertTaskEvents(
    trx,
    ids.map((id) => ({ taskId: id, type: 'STATE_CHANGED' as const, state: 'WAITING' as const, eventTime: now, cause: 'due: not_before reached' })),
  );
  return rows.map((r) => ({ id: r.id, consumerId: r.consumer_id }));
}

export interface ExpiringTask {
  id: string;
  consumerId: string;
  method: string;
  notBefore: number | null;
  notAfter: number | null;
}

/** SCHEDULED or WAITING tasks whose window closed (not_after <= now). */
export async function overdueUnstartedTasks(trx: Knex.Transaction, dialect: Dialect, now: number, limit = 1000): Promise<ExpiringTask[]> {
  const rows = await lockDue(
    trx('tasks')
      .select('id', 'consumer_id', 'method', 'not_before_time', 'not_after_time')
      .whereIn('state', ['SCHEDULED', 'WAITING'])
      .andWhere('not_after_time', '<=', now)
      .limit(limit),
    dialect,
  );
  return rows.map((r: Record<string, any>) => ({
    id: r.id,
    consumerId: r.consumer_id,
    method: r.method,
    notBefore: r.not_before_time == null ? null : Number(r.not_before_time),
    notAfter: r.not_after_time == null ? null : Number(r.not_after_time),
  }));
}

export const WINDOW_CLOSED = { type: 'WindowClosed', message: 'the window (not_after_time) closed before the task could start', detailsJson: '' };

/**
 * Ends tasks whose window closed before they started: EXPIRED, with an event
 * each, and a "window_missed" event in each consumer's history (guarantee 5:
 * a task never starts outside its window, and the miss is visible).
 */
export async function expireTasks(trx: Knex.Transaction, tasks: ExpiringTask[], now: number): Promise<void> {
  if (tasks.length === 0) return;
  await trx('tasks')
    .whereIn('id', tasks.map((t) => t.id))
    .whereIn('state', ['SCHEDULED', 'WAITING'])
    .update({ state: 'EXPIRED', end_time: now, update_time: now, error_type: WINDOW_CLOSED.type, error_message: WINDOW_CLOSED.message });
  await insertTaskEvents(
    trx,
    tasks.map((t) => ({ taskId: t.id, type: 'STATE_CHANGED' as const, state: 'EXPIRED' as const, eventTime: now, cause: 'window closed before it could start', error: WINDOW_CLOSED })),
  );
  await insertHistoryEvents(
    trx,
    tasks.map((t) => ({
      consumerId: t.consumerId,
      type: 'window_missed',
      eventTime: now,
      taskId: t.id,
      detailsJson: JSON.stringify({ method: t.method, not_before_time: iso(t.notBefore), not_after_time: iso(t.notAfter) }),
    })),
  );
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** The earliest time anything in the tasks table falls due: a release or an expiry. */
export async function earliestTaskDeadline(db: Knex): Promise<number | null> {
  const release = await db('tasks').where({ state: 'SCHEDULED' }).min({ t: 'not_before_time' }).first();
  const expiry = await db('tasks').whereIn('state', ['SCHEDULED', 'WAITING']).min({ t: 'not_after_time' }).first();
  const times = [release?.t, expiry?.t].filter((t) => t !== null && t !== undefined).map(Number);
  return times.length ? Math.min(...times) : null;
}
