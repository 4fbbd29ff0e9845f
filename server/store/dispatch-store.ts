import type { Knex } from 'knex';
import type { Dialect } from './database';
import { insertTaskEvents, rowToTask, type NewTaskEvent } from './task-store';
import { expireTasks, type ExpiringTask } from './due-store';
import type { TaskRecord } from '../tasks/task-record';

/**
 * SQL of delivery: which stream speaks for a consumer, claiming its due
 * tasks in order, and finding what must be sent again.
 */

/** Makes `sessionId` the consumer's live stream; false if the consumer is gone. */
export async function takeOverConsumer(db: Knex, consumerId: string, sessionId: string, serverId: string, now: number): Promise<boolean> {
  const updated = await db('consumers').where({ id: consumerId }).update({ session_id: sessionId, session_server: serverId, last_seen_time: now });
  return updated === 1;
}

/** Marks the consumer offline, unless a newer stream has taken over meanwhile. */
export async function releaseConsumer(db: Knex, consumerId: string, sessionId: string, now: number): Promise<void> {
  await db('consumers').where({ id: consumerId, session_id: sessionId }).update({ session_id: null, session_server: null, last_seen_time: now });
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

export interface ClaimResult {
  /** Now DISPATCHED to this session, oldest first. */
  dispatched: TaskRecord[];
  /** Ended without being sent (unknown method, window closed). */
  ended: string[];
}

/**
 * Claims up to `limit` of the consumer's WAITING tasks, oldest first
 * (guarantee 3, FIFO per consumer), for the stream `sessionId`, in one
 * transaction fenced on that stream still being the consumer's live one: a
 * replaced stream claims nothing (returns null). Tasks for methods the agent
 * lacks end FAILED, and tasks whose window has closed end EXPIRED, instead of
 * being sent (guarantee 5: never started outside its window).
 *
 * Locking: on MySQL the consumer row is read FOR SHARE (a takeover waits for
 * the claim to finish) and the tasks FOR UPDATE (a concurrent cancel waits).
 * SQLite has one writer, so the transaction alone gives the same order.
 */
export async function claimWaitingTasks(
  trx: Knex.Transaction,
  dialect: Dialect,
  consumerId: string,
  sessionId: string,
  canRun: (method: string) => boolean,
  limit: number,
  now: number,
): Promise<ClaimResult | null> {
  const fence = trx('consumers').select('session_id').where({ id: consumerId });
  if (dialect === 'mysql') fence.forShare();
  const consumer = await fence.first();
  if (!consumer || consumer.session_id !== sessionId) return null;

  const dispatched: TaskRecord[] = [];
  const ended: string[] = [];
  const events: NewTaskEvent[] = [];
  const failedIds: string[] = [];
  const expiring: ExpiringTask[] = [];
  // Read a little more than the free slots, so tasks that end here do not
  // cost another round trip.
  const candidates = trx('tasks').where({ consumer_id: consumerId, state: 'WAITING' }).orderBy('seq', 'asc').limit(limit * 2 + 8);
  if (dialect === 'mysql') candidates.forUpdate();
  for (const row of await candidates) {
    const task = rowToTask(row);
    if (task.notAfter !== null && task.notAfter <= now) {
      expiring.push({ id: task.id, consumerId: task.consumerId, method: task.method, notBefore: task.notBefore, notAfter: task.notAfter });
    } else if (!canRun(task.method)) {
      failedIds.push(task.id);
      events.push({ taskId: task.id, type: 'STATE_CHANGED', state: 'FAILED', eventTime: now, cause: 'agent lacks the method', error: unknownMethod(task.method) });
    } else if (dispatched.length < limit) {
      dispatched.push({ ...task, state: 'DISPATCHED', attempt: task.attempt + 1, updateTime: now });
      events.push({ taskId: task.id, type: 'STATE_CHANGED', state: 'DISPATCHED', eventTime: now, cause: `sent to agent (attempt ${task.attempt + 1})` });
    }
  }
  if (dispatched.length) {
    await trx('tasks')
      .whereIn('id', dispatched.map((t) => t.id))
      .update({ state: 'DISPATCHED', attempt: trx.raw('attempt + 1'), dispatch_time: now, update_time: now });
  }
  if (failedIds.length) {
    const e = unknownMethod('');
    await trx('tasks').whereIn('id', failedIds).update({ state: 'FAILED', end_time: now, update_time: now, error_type: e.type, error_message: 'the agent does not have this method' });
  }
  await expireTasks(trx, expiring, now);
  ended.push(...failedIds, ...expiring.map((t) => t.id));
  await insertTaskEvents(trx, events);
  return { dispatched, ended };
}

function unknownMethod(method: string) {
  return { type: 'UnknownMethod', message: method ? `the agent does not have the method ${method}` : 'the agent does not have this method', detailsJson: '' };
}


/**
 * The consumer's tasks that were sent and not settled, oldest first: sent
 * again when its agent reconnects (guarantee 2, at-least-once delivery; the
 * agent's journal keeps it to at-most-once execution).
 */
export async function redeliverInFlight(trx: Knex.Transaction, consumerId: string, now: number): Promise<TaskRecord[]> {
  const rows = await trx('tasks').where({ consumer_id: consumerId }).whereIn('state', ['DISPATCHED', 'RUNNING']).orderBy('seq', 'asc');
  if (rows.length === 0) return [];
  await trx('tasks').whereIn('id', rows.map((r: { id: string }) => r.id)).update({ attempt: trx.raw('attempt + 1'), dispatch_time: now });
  return rows.map((r: Record<string, unknown>) => ({ ...rowToTask(r), attempt: Number(r.attempt) + 1 }));
}

/** Sends a DISPATCHED task again (not accepted in time); false if it moved on meanwhile. */
export async function markResent(db: Knex, taskId: string, now: number): Promise<boolean> {
  return (await db('tasks').where({ id: taskId, state: 'DISPATCHED' }).update({ attempt: db.raw('attempt + 1'), dispatch_time: now })) === 1;
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
