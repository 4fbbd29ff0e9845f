import type { Knex } from 'knex';
import type { LateOutcome, NewTask, StopKind, TaskErrorInfo, TaskEventRecord, TaskEventTypeName, TaskRecord } from '../tasks/task-record';
import type { TaskStateName } from '../tasks/states';
import type { Dialect } from './database';

/**
 * Every SQL statement about tasks, one named function each. Functions take a
 * Knex (or a transaction) so callers decide the transaction boundaries.
 */

type Row = Record<string, any>;

export function rowToTask(row: Row): TaskRecord {
  return {
    seq: Number(row.seq),
    id: row.id,
    consumerId: row.consumer_id,
    method: row.method,
    argumentsJson: row.arguments_json ?? '',
    state: row.state,
    labels: JSON.parse(row.labels_json),
    idempotencyKey: row.idempotency_key ?? null,
    requestHash: row.request_hash ?? null,
    createTime: Number(row.create_time),
    updateTime: Number(row.update_time),
    notBeforeTime: numberOrNull(row.not_before_time),
    notAfterTime: numberOrNull(row.not_after_time),
    timeoutMs: numberOrNull(row.timeout_ms),
    startTime: numberOrNull(row.start_time),
    endTime: numberOrNull(row.end_time),
    attempt: Number(row.attempt),
    resultJson: row.result_json ?? null,
    error: row.error_type ? { type: row.error_type, message: row.error_message ?? '', detailsJson: row.error_details_json ?? '' } : null,
    progress:
      row.progress_time != null
        ? { percent: Number(row.progress_percent ?? 0), message: row.progress_message ?? '', detailsJson: row.progress_details_json ?? '', reportTime: Number(row.progress_time) }
        : null,
    cancelRequestedTime: numberOrNull(row.cancel_requested_time),
    cancelReason: row.cancel_reason ?? null,
    // A request written before cancel_kind existed came from CancelTask.
    cancelKind: row.cancel_requested_time != null ? (row.cancel_kind ?? 'cancel') : null,
    lateOutcome: row.late_outcome_json ? lateOutcomeFromJson(row.late_outcome_json) : null,
    groupId: row.group_id ?? null,
    scheduleId: row.schedule_id ?? null,
    fireTime: numberOrNull(row.fire_time),
    traceparent: row.traceparent ?? null,
    createdBy: row.created_by ?? null,
  };
}

/** tasks.late_outcome_json as written by lateOutcomeToJson. */
function lateOutcomeFromJson(json: string): LateOutcome {
  const o = JSON.parse(json);
  return {
    reportTime: Number(o.report_time),
    resultJson: o.result_json ?? null,
    error: o.error ? { type: o.error.type, message: o.error.message ?? '', detailsJson: o.error.details_json ?? '' } : null,
  };
}

/** The value of tasks.late_outcome_json. */
export function lateOutcomeToJson(outcome: LateOutcome): string {
  const error = outcome.error && { type: outcome.error.type, message: outcome.error.message, details_json: outcome.error.detailsJson };
  return JSON.stringify({ report_time: outcome.reportTime, ...(error ? { error } : { result_json: outcome.resultJson }) });
}

function rowToEvent(row: Row): TaskEventRecord {
  return {
    id: Number(row.id),
    taskId: row.task_id,
    type: row.type,
    state: row.state,
    eventTime: Number(row.event_time),
    cause: row.cause,
    error: row.error_type ? { type: row.error_type, message: row.error_message ?? '', detailsJson: row.error_details_json ?? '' } : null,
    progress: row.progress_percent != null ? { percent: Number(row.progress_percent), message: row.progress_message ?? '', detailsJson: row.progress_details_json ?? '' } : null,
  };
}

/** Multi-row INSERTs of at most `chunk` rows, inside the caller's transaction. */
export async function insertChunked(trx: Knex.Transaction, table: string, rows: Row[], chunk: number): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) await trx(table).insert(rows.slice(i, i + chunk));
}

function numberOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

/** Tasks inserted already sent to their agent: in `state`, attempt 1, at `time`, with a second event saying `cause`. */
export interface InsertedDispatched {
  ids: ReadonlySet<string>;
  state: TaskStateName;
  time: number;
  cause: string;
}

/**
 * Inserts tasks, their labels and their "created" events: three multi-row
 * statements whatever the count. Tasks of `dispatched` are inserted
 * already sent (the hand-off), their event following the "created" one:
 * the create and the dispatch, written once.
 */
export async function insertTasks(trx: Knex.Transaction, tasks: NewTask[], dispatched: InsertedDispatched | null = null): Promise<void> {
  if (tasks.length === 0) return;
  const handed = (t: NewTask) => dispatched?.ids.has(t.id) ?? false;
  await insertChunked(
    trx,
    'tasks',
    tasks.map((t) => ({
      id: t.id,
      consumer_id: t.consumerId,
      method: t.method,
      arguments_json: t.argumentsJson,
      state: handed(t) ? dispatched!.state : t.state,
      labels_json: JSON.stringify(t.labels),
      idempotency_key: t.idempotencyKey,
      request_hash: t.requestHash,
      create_time: t.createTime,
      update_time: handed(t) ? dispatched!.time : t.createTime,
      not_before_time: t.notBeforeTime,
      not_after_time: t.notAfterTime,
      timeout_ms: t.timeoutMs,
      attempt: handed(t) ? 1 : 0,
      group_id: t.groupId ?? null,
      schedule_id: t.scheduleId ?? null,
      fire_time: t.fireTime ?? null,
      traceparent: t.traceparent ?? null,
      created_by: t.createdBy ?? null,
      rollout_wave: t.rolloutWave ?? null,
    })),
    500,
  );
  const labelled = tasks.filter((t) => Object.keys(t.labels).length > 0);
  if (labelled.length > 0) {
    const seqs = await seqsOf(trx, labelled.map((t) => t.id));
    const labelRows = labelled.flatMap((t) =>
      Object.entries(t.labels).map(([key, value]) => ({ task_seq: seqs.get(t.id)!, label_key: key, label_value: value })),
    );
    await insertChunked(trx, 'task_labels', labelRows, 500);
  }
  await insertTaskEvents(trx, [
    ...tasks.map((t) => ({ taskId: t.id, type: 'STATE_CHANGED' as const, state: t.state, eventTime: t.createTime, cause: 'created' })),
    ...tasks.filter(handed).map((t) => ({ taskId: t.id, type: 'STATE_CHANGED' as const, state: dispatched!.state, eventTime: dispatched!.time, cause: dispatched!.cause })),
  ]);
}

async function seqsOf(trx: Knex.Transaction, ids: string[]): Promise<Map<string, number>> {
  const map = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await trx('tasks').select('id', 'seq').whereIn('id', ids.slice(i, i + 500));
    for (const r of rows) map.set(r.id, Number(r.seq));
  }
  return map;
}

export interface NewTaskEvent {
  taskId: string;
  type: TaskEventTypeName;
  state: TaskStateName;
  eventTime: number;
  cause: string;
  error?: TaskErrorInfo | null;
  progress?: { percent: number; message: string; detailsJson: string } | null;
}

export async function insertTaskEvents(trx: Knex.Transaction, events: NewTaskEvent[]): Promise<void> {
  if (events.length === 0) return;
  await insertChunked(
    trx,
    'task_events',
    events.map((e) => ({
      task_id: e.taskId,
      type: e.type,
      state: e.state,
      event_time: e.eventTime,
      cause: e.cause.slice(0, 255),
      error_type: e.error?.type ?? null,
      error_message: e.error?.message ?? null,
      error_details_json: e.error?.detailsJson || null,
      progress_percent: e.progress?.percent ?? null,
      progress_message: e.progress?.message ?? null,
      progress_details_json: e.progress?.detailsJson || null,
    })),
    500,
  );
}

export async function findTaskById(db: Knex, id: string): Promise<TaskRecord | null> {
  const row = await db('tasks').where({ id }).first();
  return row ? rowToTask(row) : null;
}

/** The tasks of these ids that exist, in the order of `ids`. */
export async function findTasksByIds(db: Knex, ids: string[]): Promise<TaskRecord[]> {
  const byId = new Map<string, TaskRecord>();
  for (let i = 0; i < ids.length; i += 500) {
    for (const row of await db('tasks').whereIn('id', ids.slice(i, i + 500))) byId.set(row.id, rowToTask(row));
  }
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function findTaskByIdempotencyKey(db: Knex, key: string): Promise<TaskRecord | null> {
  const row = await db('tasks').where({ idempotency_key: key }).first();
  return row ? rowToTask(row) : null;
}

export interface TaskFilter {
  consumerId?: string;
  states?: TaskStateName[];
  method?: string;
  labels?: Record<string, string>;
  createTimeFrom?: number;
  createTimeTo?: number;
  groupId?: string;
  scheduleId?: string;
}

/** The columns that may be large (up to a MiB or more each): left out of a list unless asked for. */
const LARGE_TASK_COLUMNS = new Set(['arguments_json', 'result_json', 'error_details_json', 'progress_details_json']);
/** The other columns of tasks, per database (read once: the schema does not change under a running server). */
const smallTaskColumns = new WeakMap<Knex, Promise<string[]>>();

export function smallColumnsOf(db: Knex): Promise<string[]> {
  let columns = smallTaskColumns.get(db);
  if (!columns) {
    columns = db('tasks').columnInfo().then((info) => Object.keys(info).filter((c) => !LARGE_TASK_COLUMNS.has(c)));
    smallTaskColumns.set(db, columns);
  }
  return columns;
}

/**
 * Newest first, strictly below the cursor: tasks created meanwhile (higher
 * seq) never shift a page. Without `full`, the large columns are not even
 * read, and the records carry them empty.
 */
export async function listTasks(db: Knex, filter: TaskFilter, beforeSeq: number | null, limit: number, full = true): Promise<TaskRecord[]> {
  const columns = full ? ['tasks.*'] : (await smallColumnsOf(db)).map((c) => `tasks.${c}`);
  const q = db('tasks').select(columns).orderBy('tasks.seq', 'desc').limit(limit);
  if (beforeSeq !== null) q.where('tasks.seq', '<', beforeSeq);
  if (filter.consumerId) q.where('tasks.consumer_id', filter.consumerId);
  if (filter.states?.length) q.whereIn('tasks.state', filter.states);
  if (filter.method) q.where('tasks.method', filter.method);
  if (filter.groupId) q.where('tasks.group_id', filter.groupId);
  if (filter.scheduleId) q.where('tasks.schedule_id', filter.scheduleId);
  if (filter.createTimeFrom != null) q.where('tasks.create_time', '>=', filter.createTimeFrom);
  if (filter.createTimeTo != null) q.where('tasks.create_time', '<', filter.createTimeTo);
  for (const [key, value] of Object.entries(filter.labels ?? {})) {
    q.whereExists(function labelMatches() {
      this.select(db.raw('1')).from('task_labels').whereRaw('task_labels.task_seq = tasks.seq').andWhere({ label_key: key, label_value: value });
    });
  }
  return (await q).map(rowToTask);
}

/**
 * The guarded write behind every state change: UPDATE ... SET state = `to`
 * WHERE id IN (...) AND state IN (`from`), with the columns that go with it
 * (end_time, error_*; `countAttempt`: attempt + 1). The lifecycle passes the
 * guard of its transition (server/tasks/states.ts) and writes the events of
 * exactly the rows this reports changed.
 */
export async function setTaskStates(trx: Knex, taskIds: string[], from: readonly TaskStateName[], to: TaskStateName, columns: Row, options: { countAttempt?: boolean } = {}): Promise<number> {
  if (taskIds.length === 0) return 0;
  const attempt = options.countAttempt ? { attempt: trx.raw('attempt + 1') } : {};
  return trx('tasks').whereIn('id', taskIds).whereIn('state', from).update({ ...columns, ...attempt, state: to });
}

/** Records a stop request (`kind`) on a task in `from` not yet asked; its state then, or null if it moved on or was already asked. */
export async function recordCancelRequest(trx: Knex.Transaction, taskId: string, from: readonly TaskStateName[], now: number, reason: string, kind: StopKind): Promise<TaskStateName | null> {
  const updated = await trx('tasks')
    .where({ id: taskId })
    .whereIn('state', from)
    .whereNull('cancel_requested_time')
    .update({ cancel_requested_time: now, cancel_reason: reason.slice(0, 255), cancel_kind: kind, update_time: now });
  if (updated !== 1) return null;
  return (await trx('tasks').select('state').where({ id: taskId }).first()).state;
}

/** The method of each of these tasks, by id. */
export async function methodsOf(db: Knex, ids: string[]): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    for (const r of await db('tasks').select('id', 'method').whereIn('id', ids.slice(i, i + 500))) map.set(r.id, r.method);
  }
  return map;
}

/** A task's consumer and state, or null. */
export async function taskOwnerAndState(db: Knex, taskId: string): Promise<{ consumerId: string; state: TaskStateName } | null> {
  const row = await db('tasks').select('consumer_id', 'state').where({ id: taskId }).first();
  return row ? { consumerId: row.consumer_id, state: row.state } : null;
}

/** What settling agent reports needs of each task, locked (FOR UPDATE on MySQL; SQLite's single writer holds them). */
export async function lockTasksForSettlement(trx: Knex.Transaction, dialect: Dialect, ids: string[]): Promise<Row[]> {
  const q = trx('tasks')
    .select('id', 'consumer_id', 'state', 'method', 'arguments_json', 'cancel_requested_time', 'cancel_kind', 'error_type', 'timeout_ms', 'create_time', 'not_before_time', 'start_time', trx.raw('late_outcome_json IS NOT NULL AS has_late_outcome'))
    .whereIn('id', ids);
  if (dialect === 'mysql') q.forUpdate();
  return q;
}

/** Tasks of a consumer in `states`, with their state, locked for the caller's transaction. */
export async function taskStatesOfConsumer(trx: Knex.Transaction, dialect: Dialect, consumerId: string, states: readonly TaskStateName[]): Promise<Array<{ id: string; state: TaskStateName }>> {
  const q = trx('tasks').select('id', 'state').where({ consumer_id: consumerId }).whereIn('state', states).orderBy('seq', 'asc');
  if (dialect === 'mysql') q.forUpdate();
  return q;
}

/** Events of a group's tasks after `afterEventId`, in id order. */
export async function listGroupEvents(db: Knex, groupId: string, afterEventId: number, limit: number): Promise<TaskEventRecord[]> {
  const rows = await db('task_events')
    .select('task_events.*')
    .join('tasks', 'tasks.id', 'task_events.task_id')
    .where('tasks.group_id', groupId)
    .andWhere('task_events.id', '>', afterEventId)
    .orderBy('task_events.id', 'asc')
    .limit(limit);
  return rows.map(rowToEvent);
}

export async function groupTaskStates(db: Knex, groupId: string): Promise<Array<{ id: string; state: TaskStateName }>> {
  return db('tasks').select('id', 'state').where({ group_id: groupId }).orderBy('seq', 'asc');
}

export async function listTaskEvents(db: Knex, taskId: string, afterEventId: number, limit: number): Promise<TaskEventRecord[]> {
  const rows = await db('task_events').where({ task_id: taskId }).andWhere('id', '>', afterEventId).orderBy('id', 'asc').limit(limit);
  return rows.map(rowToEvent);
}

/** How many tasks are in each of `states`, in one grouped statement. */
export async function countTasksByState(db: Knex, states: readonly TaskStateName[]): Promise<Map<TaskStateName, number>> {
  const rows = await db('tasks').select('state').count({ n: '*' }).whereIn('state', states).groupBy('state');
  return new Map(rows.map((r: Row) => [r.state as TaskStateName, Number(r.n)]));
}

/** Per consumer among `consumerIds`, how many of its tasks are in each of `states`. */
export async function countTasksByConsumerAndState(db: Knex, consumerIds: string[], states: readonly TaskStateName[]): Promise<Map<string, Map<TaskStateName, number>>> {
  const counts = new Map<string, Map<TaskStateName, number>>();
  for (let i = 0; i < consumerIds.length; i += 500) {
    const rows = await db('tasks')
      .select('consumer_id', 'state')
      .count({ n: '*' })
      .whereIn('consumer_id', consumerIds.slice(i, i + 500))
      .whereIn('state', states)
      .groupBy('consumer_id', 'state');
    for (const r of rows as Row[]) {
      if (!counts.has(r.consumer_id)) counts.set(r.consumer_id, new Map());
      counts.get(r.consumer_id)!.set(r.state, Number(r.n));
    }
  }
  return counts;
}

/** The groups of the newest `scan` grouped tasks, newest first, at most `limit`: bounded work however many groups exist. */
export async function recentGroupIds(db: Knex, scan: number, limit: number): Promise<string[]> {
  const recent = db('tasks').select('group_id', 'seq').whereNotNull('group_id').orderBy('seq', 'desc').limit(scan).as('recent');
  const rows = await db.select('group_id').max({ last: 'seq' }).from(recent).groupBy('group_id').orderBy('last', 'desc').limit(limit);
  return rows.map((r: Row) => r.group_id);
}

export interface GroupStateCount {
  groupId: string;
  state: TaskStateName;
  count: number;
  firstCreateTime: number;
  method: string;
  scheduleId: string | null;
}

/** Per group and state: how many tasks, the earliest creation, the method and schedule (the same for a whole group). */
export async function groupStateCounts(db: Knex, groupIds: string[]): Promise<GroupStateCount[]> {
  if (groupIds.length === 0) return [];
  const rows = await db('tasks')
    .select('group_id', 'state')
    .count({ n: '*' })
    .min({ first: 'create_time', method: 'method', schedule: 'schedule_id' })
    .whereIn('group_id', groupIds)
    .groupBy('group_id', 'state');
  return rows.map((r: Row) => ({ groupId: r.group_id, state: r.state, count: Number(r.n), firstCreateTime: Number(r.first), method: r.method, scheduleId: r.schedule ?? null }));
}
