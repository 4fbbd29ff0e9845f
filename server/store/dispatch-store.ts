import type { Knex } from 'knex';
import type { Dialect } from './database';
import type { TaskStateName } from '../tasks/states';
import type { AgentHelloRecord } from '../consumers/consumer-record';
import { agentHelloColumns } from './consumer-store';

/**
 * SQL of delivery: which stream speaks for a consumer, the rows a claim
 * locks, what must be sent again, and the cancellations owed to agents.
 * State changes themselves are written by the lifecycle through
 * setTaskStates (task-store.ts) with the guards of server/tasks/states.ts.
 */

type Row = Record<string, any>;

/** Makes `sessionId`, held by server `serverId`, the consumer's live stream, keeping its agent's hello; false if the consumer is gone. */
export async function takeOverConsumer(db: Knex, consumerId: string, sessionId: string, serverId: string, now: number, hello: AgentHelloRecord | null): Promise<boolean> {
  const updated = await db('consumers')
    .where({ id: consumerId })
    .update({ session_id: sessionId, session_server_id: serverId, last_seen_time: now, ...(hello ? agentHelloColumns(hello) : {}) });
  return updated === 1;
}

/**
 * The agents of `sessionIds` were heard: their consumers were seen at
 * `now`. Only rows whose live stream is still one of them change, so a
 * stream replaced or released meanwhile does not move last_seen_time.
 */
export async function markSessionsSeen(db: Knex, sessions: Array<{ consumerId: string; sessionId: string }>, now: number): Promise<void> {
  for (let i = 0; i < sessions.length; i += 500) {
    const chunk = sessions.slice(i, i + 500);
    await db('consumers')
      .whereIn('id', chunk.map((s) => s.consumerId))
      .whereIn('session_id', chunk.map((s) => s.sessionId))
      .update({ last_seen_time: now });
  }
}

/** Marks the consumer offline, unless a newer stream has taken over meanwhile. */
export async function releaseConsumer(db: Knex, consumerId: string, sessionId: string, now: number): Promise<void> {
  await db('consumers').where({ id: consumerId, session_id: sessionId }).update({ session_id: null, session_server_id: null, last_seen_time: now });
}

/**
 * The current session id of each consumer (absent: deleted). Inside a
 * claim or hand-off on MySQL the rows are read FOR SHARE: a takeover by a
 * newer stream waits for the transaction, which is what fences a replaced
 * stream out of claiming (SQLite's single writer gives the same order).
 */
export async function sessionsOf(db: Knex, dialect: Dialect, consumerIds: string[], lock = false): Promise<Map<string, string | null>> {
  const map = new Map<string, string | null>();
  for (let i = 0; i < consumerIds.length; i += 500) {
    const q = db('consumers').select('id', 'session_id').whereIn('id', consumerIds.slice(i, i + 500));
    if (lock && dialect === 'mysql') q.forShare();
    for (const r of await q) map.set(r.id, r.session_id ?? null);
  }
  return map;
}

/** Ids of consumers among `consumerIds` that have tasks in `state`. */
export async function consumersWithTasksIn(db: Knex, consumerIds: string[], state: TaskStateName): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < consumerIds.length; i += 500) {
    const rows = await db('tasks').distinct('consumer_id').where({ state }).whereIn('consumer_id', consumerIds.slice(i, i + 500));
    for (const r of rows) found.add(r.consumer_id);
  }
  return found;
}

/** Consumers per statement of candidate reads: well under SQLite's limit of 500 terms in a compound SELECT. */
const CANDIDATE_READS_PER_STATEMENT = 100;

/**
 * Up to `perConsumer` tasks in `state` of each consumer, oldest first,
 * locked. Two statements for up to a hundred consumers: one read of
 * candidate ids, a UNION ALL of one index range per consumer (the first
 * `perConsumer` entries of tasks_by_consumer_state, so a claim costs the
 * same with a backlog of ten or of a million), and one locking read of
 * those rows by their unique id (no gap locks that would collide with
 * concurrent inserts); the state filter on the locking read drops rows a
 * concurrent writer took first. One consumer, the common case at low
 * load, needs a single locking read.
 */
export async function lockOldestTasks(trx: Knex.Transaction, dialect: Dialect, consumerIds: string[], state: TaskStateName, perConsumer: number): Promise<Row[]> {
  if (consumerIds.length === 1) {
    // READ COMMITTED on MySQL: this locks only the rows it returns, not the
    // index gaps that inserts of new tasks need.
    const q = trx('tasks').where({ consumer_id: consumerIds[0], state }).orderBy('seq', 'asc').limit(perConsumer);
    if (dialect === 'mysql') q.forUpdate();
    return q;
  }
  const candidateIds: string[] = [];
  for (let i = 0; i < consumerIds.length; i += CANDIDATE_READS_PER_STATEMENT) {
    // Each range is a derived table: both stores take ORDER BY and LIMIT there (SQLite not on a compound's own terms).
    const [first, ...rest] = consumerIds.slice(i, i + CANDIDATE_READS_PER_STATEMENT).map((consumerId, j) =>
      trx.select('id').from(trx('tasks').select('id').where({ consumer_id: consumerId, state }).orderBy('seq', 'asc').limit(perConsumer).as(`c${j}`)),
    );
    const rows = await (rest.length ? first.unionAll(rest) : first);
    for (const r of rows as Array<{ id: string }>) candidateIds.push(r.id);
  }
  if (candidateIds.length === 0) return [];
  // Sorted here, not in SQL: asked for seq order, MySQL walks the whole primary key instead of looking the ids up.
  const locked = trx('tasks').whereIn('id', candidateIds).andWhere({ state });
  if (dialect === 'mysql') locked.forUpdate();
  return (await locked).sort((a: Row, b: Row) => Number(a.seq) - Number(b.seq));
}

/** Ids of the consumers among `consumerIds` with a task in `state` (read inside a hand-off, so FIFO holds). */
export async function consumersWithBacklog(trx: Knex.Transaction, consumerIds: string[], state: TaskStateName): Promise<Set<string>> {
  const rows = await trx('tasks').distinct('consumer_id').where({ state }).whereIn('consumer_id', consumerIds);
  return new Set(rows.map((r: { consumer_id: string }) => r.consumer_id));
}

/** The consumer's tasks in `states`, oldest first. */
export async function tasksOfConsumerIn(trx: Knex, consumerId: string, states: readonly TaskStateName[]): Promise<Row[]> {
  return trx('tasks').where({ consumer_id: consumerId }).whereIn('state', states).orderBy('seq', 'asc');
}

/**
 * attempt + 1 for tasks still in `states`: each delivery is an attempt.
 * `unlessStopRequested`: not for a task whose agent was asked to stop it
 * (it is not sent again). Returns the rows changed.
 */
export async function countDelivery(trx: Knex, taskIds: string[], states: readonly TaskStateName[], unlessStopRequested = false): Promise<number> {
  if (taskIds.length === 0) return 0;
  const q = trx('tasks').whereIn('id', taskIds).whereIn('state', states);
  if (unlessStopRequested) q.whereNull('cancel_requested_time');
  return q.update({ attempt: trx.raw('attempt + 1') });
}

export interface CancellationDue {
  taskId: string;
  consumerId: string;
  reason: string;
  /** The task has ended (while its agent was away): clear the flag once told. */
  ended: boolean;
}

/**
 * Tasks whose agent must be told to stop: a cancel requested while held
 * (`held` states), or ended while the agent may still run them. Two reads,
 * each an index range (held tasks by consumer and state; flagged tasks by
 * the flag), so the cost does not grow with the consumers' history.
 */
export async function cancellationsDue(db: Knex, consumerIds: string[], held: readonly TaskStateName[]): Promise<CancellationDue[]> {
  const byId = new Map<string, CancellationDue>();
  const columns = ['id', 'consumer_id', 'state', 'cancel_reason', 'error_message'];
  for (let i = 0; i < consumerIds.length; i += 500) {
    const part = consumerIds.slice(i, i + 500);
    const requested = await db('tasks').select(columns).whereIn('consumer_id', part).whereIn('state', held).whereNotNull('cancel_requested_time');
    const ended = await db('tasks').select(columns).where('agent_cancel_pending', true).whereIn('consumer_id', part);
    for (const r of [...requested, ...ended]) {
      byId.set(r.id, { taskId: r.id, consumerId: r.consumer_id, reason: r.cancel_reason ?? r.error_message ?? 'canceled', ended: !held.includes(r.state) });
    }
  }
  return [...byId.values()];
}

/** The agent must be told (`pending`) or has been told that these tasks are over. */
export async function setAgentCancelPending(db: Knex, taskIds: string[], pending: boolean): Promise<void> {
  if (taskIds.length) await db('tasks').whereIn('id', taskIds).update({ agent_cancel_pending: pending });
}

/**
 * Tasks in `state` whose run deadline (start_time + timeout_ms, stored at
 * accept) has passed and whose agent has not been asked to stop yet: a range
 * scan of tasks_by_running_deadline, whose column is that deadline while
 * RUNNING and null otherwise.
 */
export async function overdueTasks(db: Knex, state: TaskStateName, now: number, limit = 500): Promise<string[]> {
  const rows = await db('tasks').select('id').where('running_deadline_time', '<=', now).andWhere({ state }).whereNull('cancel_requested_time').limit(limit);
  return rows.map((r: { id: string }) => r.id);
}

/** Tasks in `states` whose agent was asked to stop them at or before `requestedBy` and has not answered. */
export async function unansweredStopRequests(db: Knex, states: readonly TaskStateName[], requestedBy: number, limit = 500): Promise<Array<{ id: string; consumerId: string; cancelReason: string | null }>> {
  const rows = await db('tasks').select('id', 'consumer_id', 'cancel_reason').whereIn('state', states).where('cancel_requested_time', '<=', requestedBy).limit(limit);
  return rows.map((r: Row) => ({ id: r.id, consumerId: r.consumer_id, cancelReason: r.cancel_reason ?? null }));
}
