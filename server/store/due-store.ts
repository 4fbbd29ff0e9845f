import type { Knex } from 'knex';
import type { Dialect } from './database';
import type { TaskStateName } from '../tasks/states';

/**
 * SQL of time: finding SCHEDULED tasks that fell due, and tasks whose window
 * closed before they could start. Both lock their rows
 * FOR UPDATE SKIP LOCKED on MySQL, so several servers ticking at once share
 * the work instead of queueing on each other's rows (knex cannot compile
 * SKIP LOCKED for SQLite, where the single writer serialises ticks anyway).
 */

export interface DueTask {
  id: string;
  consumerId: string;
  notBeforeTime: number;
}

function lockDue(q: Knex.QueryBuilder, dialect: Dialect): Knex.QueryBuilder {
  return dialect === 'mysql' ? q.forUpdate().skipLocked() : q;
}

/** Tasks in `from` whose not_before has come (and whose window is still open), locked, earliest first. */
export async function lockTasksDueForRelease(trx: Knex.Transaction, dialect: Dialect, from: readonly TaskStateName[], now: number, limit = 1000): Promise<DueTask[]> {
  const rows: Array<{ id: string; consumer_id: string; not_before_time: number | string }> = await lockDue(
    trx('tasks')
      .select('id', 'consumer_id', 'not_before_time')
      .whereIn('state', from)
      .andWhere('not_before_time', '<=', now)
      .andWhere((w) => w.whereNull('not_after_time').orWhere('not_after_time', '>', now))
      .orderBy('not_before_time')
      .limit(limit),
    dialect,
  );
  return rows.map((r) => ({ id: r.id, consumerId: r.consumer_id, notBeforeTime: Number(r.not_before_time) }));
}

export interface ExpiringTask {
  id: string;
  consumerId: string;
  method: string;
  notBeforeTime: number | null;
  notAfterTime: number | null;
}

/** Tasks in `from` whose window closed (not_after <= now), locked: a range of tasks_by_expire_time (not_after while unstarted). */
export async function lockTasksPastWindow(trx: Knex.Transaction, dialect: Dialect, from: readonly TaskStateName[], now: number, limit = 1000): Promise<ExpiringTask[]> {
  const rows = await lockDue(
    trx('tasks')
      .select('id', 'consumer_id', 'method', 'not_before_time', 'not_after_time')
      .where('expire_time', '<=', now)
      .whereIn('state', from)
      .limit(limit),
    dialect,
  );
  return rows.map((r: Record<string, any>) => ({
    id: r.id,
    consumerId: r.consumer_id,
    method: r.method,
    notBeforeTime: r.not_before_time == null ? null : Number(r.not_before_time),
    notAfterTime: r.not_after_time == null ? null : Number(r.not_after_time),
  }));
}

/** The earliest time anything in the tasks table falls due: a release or an expiry. */
export async function earliestTaskDeadline(db: Knex): Promise<number | null> {
  // IS NOT NULL lets the minimum be the first entry of an index range: without it, MIN walks past
  // every task without a deadline first (the index orders NULLs first), 100,000 of them for a backlog that size.
  const release = await db('tasks').where({ state: 'SCHEDULED' }).whereNotNull('not_before_time').min({ t: 'not_before_time' }).first();
  const expiry = await db('tasks').whereNotNull('expire_time').min({ t: 'expire_time' }).first();
  const times = [release?.t, expiry?.t].filter((t) => t !== null && t !== undefined).map(Number);
  return times.length ? Math.min(...times) : null;
}
