import type { Knex } from 'knex';
import type { Dialect } from './database';
import { insertTaskEvents, rowToTask, type NewTaskEvent } from './task-store';
import { expireTasks, type ExpiringTask } from './due-store';
import { updateRowsById } from './batching';
import type { TaskRecord } from '../tasks/task-record';

/**
 * SQL of delivery: which stream speaks for a consumer, claiming its due
 * tasks in order, and finding what must be sent again.
 */

/** Makes `sessionId` the consumer's live stream; false if the consumer is gone. */
export async function takeOverConsumer(db: Knex, consumerId: string, sessionId: string, serverId: string, now: number): Promise<boolean> {
  const updated = await db('consumers').where({ id: consumerId }).update({ session_id: sessionId, last_seen_time: now });
  return updated === 1;
}

/** Marks the consumer offline, unless a newer stream has taken over meanwhile. */
export async function releaseConsumer(db: Knex, consumerId: string, sessionId: string, now: number): Promise<void> {
  await db('consumers').where({ id: consumerId, session_id: sessionId }).update({ session_id: null, last_seen_time: now });
}

/** The current session id of each consumer (absent: deleted). */
export async function sessionsOf(db: Knex, consumerIds: string[]): Promise<Map<string, string | null>> {
  const map = new Map<string, string | null>();
  for (let i = 0; i < consumerIds.length; i += 500) {
    const rows = await db('consumers').select('id', 'session_id').whereIn('id', consumerIds.slice(i, i + 500));
    for (const r of rows) map.set(r.id, r.session_id ?? null);
  }
  return map;
}

/**
 * Of the new tasks offered for hand-off, those that may go straight to
 * their stream: the stream is still the consumer's live one (fence, FOR
 * SHARE on MySQL) and nothing older of that consumer is WAITING (FIFO,
 * guarantee 3). Runs in the creating transaction, before its inserts.
 */
export async function confirmHandOff(trx: Knex.Transaction, dialect: Dialect, offered: Array<{ taskId: string; consumerId: string; sessionId: string }>): Promise<Set<string>> {
  const consumerIds = [...new Set(offered.map((o) => o.consumerId))];
  const fence = trx('consumers').select('id', 'session_id').whereIn('id', consumerIds);
  if (dialect === 'mysql') fence.forShare();
  const sessions = new Map((await fence).map((r: { id: string; session_id: string | null }) => [r.id, r.session_id]));
  const backlog = new Set((await trx('tasks').distinct('consumer_id').where({ state: 'WAITING' }).whereIn('consumer_id', consumerIds)).map((r: { consumer_id: string }) => r.consumer_id));
  return new Set(offered.filter((o) => sessions.get(o.consumerId) === o.sessionId && !backlog.has(o.consumerId)).map((o) => o.taskId));
}

/** New tasks handed straight to their stream: DISPATCHED, attempt 1, with their event. */
export async function markHandedOff(trx: Knex.Transaction, taskIds: string[], now: number): Promise<void> {
  await trx('tasks').whereIn('id', taskIds).update({ state: 'DISPATCHED', attempt: 1, update_time: now });
  await insertTaskEvents(trx, taskIds.map((taskId) => ({ taskId, type: 'STATE_CHANGED' as const, state: 'DISPATCHED' as const, eventTime: now, cause: 'sent to agent (attempt 1)' })));
}

/** One consumer's stream asking for up to `limit` tasks. */
export interface ClaimRequest {
  consumerId: string;
  sessionId: string;
  canRun: (method: string) => boolean;
  limit: number;
}

export interface ClaimResult {
  /** Now DISPATCHED to this stream, oldest first. */
  dispatched: TaskRecord[];
  /** Ended without being sent (unknown method, window closed). */
  ended: string[];
  /** False when the stream is no longer the consumer's live one: it claimed nothing. */
  live: boolean;
  /** True when the consumer may have more WAITING tasks than were claimed. */
  more: boolean;
}

/**
 * Claims WAITING tasks for many streams in ONE transaction: for each
 * consumer, up to its `limit`, oldest first (guarantee 3, FIFO per
 * consumer), fenced on the stream still being the consumer's live one (a
 * replaced stream claims nothing). Tasks for methods the agent lacks end
 * FAILED, and tasks whose window has closed end EXPIRED, instead of being
 * sent (guarantee 5: never started outside its window).
 *
 * Statements do not grow with the number of consumers: one fence read, one
 * ranked read of candidate ids (ROW_NUMBER per consumer, on MySQL 8,
 * MariaDB 10.2+ and SQLite 3.25+) and one locking read of those rows by id
 * (a single locking read when only one consumer asks), and one UPDATE per
 * outcome.
 *
 * Locking on MySQL: consumer rows FOR SHARE (a takeover waits for the claim)
 * and the candidate task rows FOR UPDATE by primary key (no gap locks that
 * would collide with concurrent inserts); the WHERE state = 'WAITING' on that
 * read drops any a concurrent cancel took first. SQLite has one writer, so
 * the transaction alone gives the same order.
 */
export async function claimForConsumers(trx: Knex.Transaction, dialect: Dialect, requests: ClaimRequest[], now: number): Promise<Map<string, ClaimResult>> {
  const results = new Map<string, ClaimResult>();
  const fence = trx('consumers').select('id', 'session_id').whereIn('id', requests.map((r) => r.consumerId));
  if (dialect === 'mysql') fence.forShare();
  const sessions = new Map((await fence).map((r: { id: string; session_id: string | null }) => [r.id, r.session_id]));
  const live = requests.filter((r) => sessions.get(r.consumerId) === r.sessionId);
  for (const r of requests) results.set(r.consumerId, { dispatched: [], ended: [], live: sessions.get(r.consumerId) === r.sessionId, more: false });
  if (live.length === 0) return results;

  // Read a little more than the free slots, so tasks that end here do not cost another round.
  const perConsumer = Math.max(...live.map((r) => r.limit)) * 2 + 8;
  const lockedRows = live.length === 1 ? await lockOneConsumersCandidates(trx, dialect, live[0].consumerId, perConsumer) : await lockCandidates(trx, dialect, live, perConsumer);
  if (lockedRows.length === 0) return results;
  const byConsumer = new Map<string, TaskRecord[]>();
  for (const row of lockedRows) {
    const task = rowToTask(row);
    byConsumer.set(task.consumerId, [...(byConsumer.get(task.consumerId) ?? []), task]);
  }

  const dispatchedIds: string[] = [];
  const failed = new Map<string, Record<string, unknown>>();
  const expiring: ExpiringTask[] = [];
  const events: NewTaskEvent[] = [];
  for (const request of live) {
    const result = results.get(request.consumerId)!;
    const tasks = byConsumer.get(request.consumerId) ?? [];
    result.more = tasks.length >= perConsumer;
    for (const task of tasks) {
      if (task.notAfter !== null && task.notAfter <= now) {
        expiring.push({ id: task.id, consumerId: task.consumerId, method: task.method, notBefore: task.notBefore, notAfter: task.notAfter });
        result.ended.push(task.id);
      } else if (!request.canRun(task.method)) {
        const error = unknownMethod(task.method);
        failed.set(task.id, { state: 'FAILED', end_time: now, update_time: now, error_type: error.type, error_message: error.message });
        events.push({ taskId: task.id, type: 'STATE_CHANGED', state: 'FAILED', eventTime: now, cause: 'agent lacks the method', error });
        result.ended.push(task.id);
      } else if (result.dispatched.length < request.limit) {
        result.dispatched.push({ ...task, state: 'DISPATCHED', attempt: task.attempt + 1, updateTime: now });
        dispatchedIds.push(task.id);
        events.push({ taskId: task.id, type: 'STATE_CHANGED', state: 'DISPATCHED', eventTime: now, cause: `sent to agent (attempt ${task.attempt + 1})` });
      } else {
        result.more = true;
      }
    }
  }
  if (dispatchedIds.length) {
    await trx('tasks').whereIn('id', dispatchedIds).update({ state: 'DISPATCHED', attempt: trx.raw('attempt + 1'), update_time: now });
  }
  if (failed.size) await updateRowsById(trx, 'tasks', failed);
  await expireTasks(trx, expiring, now);
  await insertTaskEvents(trx, events);
  return results;
}

/** Many consumers: candidate ids ranked per consumer (no locks), then those rows locked by primary key. */
async function lockCandidates(trx: Knex.Transaction, dialect: Dialect, live: ClaimRequest[], perConsumer: number): Promise<Record<string, unknown>[]> {
  const ranked = trx
    .select('id')
    .from(
      trx('tasks')
        .select('id', trx.raw('ROW_NUMBER() OVER (PARTITION BY consumer_id ORDER BY seq) AS rn'))
        .where({ state: 'WAITING' })
        .whereIn('consumer_id', live.map((r) => r.consumerId))
        .as('ranked'),
    )
    .where('rn', '<=', perConsumer);
  const candidateIds = (await ranked).map((r: { id: string }) => r.id);
  if (candidateIds.length === 0) return [];
  const locked = trx('tasks').whereIn('id', candidateIds).andWhere({ state: 'WAITING' }).orderBy('seq', 'asc');
  if (dialect === 'mysql') locked.forUpdate();
  return locked;
}

/**
 * The common case at low load, one consumer: a single locking read. The
 * server runs READ COMMITTED on MySQL, so this locks only the rows it
 * returns, not the index gaps that inserts of new tasks need.
 */
async function lockOneConsumersCandidates(trx: Knex.Transaction, dialect: Dialect, consumerId: string, limit: number): Promise<Record<string, unknown>[]> {
  const q = trx('tasks').where({ consumer_id: consumerId, state: 'WAITING' }).orderBy('seq', 'asc').limit(limit);
  if (dialect === 'mysql') q.forUpdate();
  return q;
}

function unknownMethod(method: string) {
  return { type: 'UnknownMethod', message: `the agent does not have the method ${method}`, detailsJson: '' };
}


/**
 * The consumer's tasks that were sent and not settled, oldest first: sent
 * again when its agent reconnects (guarantee 2, at-least-once delivery; the
 * agent's journal keeps it to at-most-once execution).
 */
export async function redeliverInFlight(trx: Knex.Transaction, consumerId: string, now: number): Promise<TaskRecord[]> {
  const rows = await trx('tasks').where({ consumer_id: consumerId }).whereIn('state', ['DISPATCHED', 'RUNNING']).orderBy('seq', 'asc');
  if (rows.length === 0) return [];
  await trx('tasks').whereIn('id', rows.map((r: { id: string }) => r.id)).update({ attempt: trx.raw('attempt + 1') });
  return rows.map((r: Record<string, unknown>) => ({ ...rowToTask(r), attempt: Number(r.attempt) + 1 }));
}

/** Sends a DISPATCHED task again (not accepted in time); false if it moved on meanwhile. */
export async function markResent(db: Knex, taskId: string, now: number): Promise<boolean> {
  return (await db('tasks').where({ id: taskId, state: 'DISPATCHED' }).update({ attempt: db.raw('attempt + 1') })) === 1;
}

/** Ids of consumers among `consumerIds` that have WAITING tasks. */
export async function consumersWithWaitingTasks(db: Knex, consumerIds: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < consumerIds.length; i += 500) {
    const rows = await db('tasks').distinct('consumer_id').where({ state: 'WAITING' }).whereIn('consumer_id', consumerIds.slice(i, i + 500));
    for (const r of rows) found.add(r.consumer_id);
  }
  return found;
}

export interface CancellationDue {
  taskId: string;
  consumerId: string;
  reason: string;
  /** The task has ended (CANCELED/TIMED_OUT while its agent was away): clear the flag once told. */
  ended: boolean;
}

/** Tasks whose agent must be told to stop: cancel requested in flight, or ended while the agent may still run them. */
export async function cancellationsDue(db: Knex, consumerIds: string[]): Promise<CancellationDue[]> {
  const out: CancellationDue[] = [];
  for (let i = 0; i < consumerIds.length; i += 500) {
    const part = consumerIds.slice(i, i + 500);
    const rows = await db('tasks')
      .select('id', 'consumer_id', 'state', 'cancel_reason', 'error_message')
      .whereIn('consumer_id', part)
      .andWhere((q) => q.where((r) => r.whereIn('state', ['DISPATCHED', 'RUNNING']).whereNotNull('cancel_requested_time')).orWhere('agent_cancel_pending', true));
    for (const r of rows) {
      const ended = r.state !== 'DISPATCHED' && r.state !== 'RUNNING';
      out.push({ taskId: r.id, consumerId: r.consumer_id, reason: r.cancel_reason ?? r.error_message ?? 'canceled', ended });
    }
  }
  return out;
}

export async function clearAgentCancelPending(db: Knex, taskIds: string[]): Promise<void> {
  if (taskIds.length) await db('tasks').whereIn('id', taskIds).update({ agent_cancel_pending: false });
}

/** RUNNING tasks past their timeout (start_time + timeout_ms <= now). */
export async function overdueRunningTasks(db: Knex, now: number, limit = 500): Promise<Array<{ id: string; consumerId: string }>> {
  const rows = await db('tasks')
    .select('id', 'consumer_id')
    .where({ state: 'RUNNING' })
    .whereNotNull('timeout_ms')
    .andWhereRaw('start_time + timeout_ms <= ?', [now])
    .limit(limit);
  return rows.map((r: { id: string; consumer_id: string }) => ({ id: r.id, consumerId: r.consumer_id }));
}
