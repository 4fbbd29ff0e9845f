import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { AlreadyExistsError, FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../errors';
import type { Clock } from '../clock';
import type { Logger } from '../../shared/log';
import type { ChangeNotifier } from '../notifier';
import type { PageTokens } from '../paging';
import { isUniqueViolation } from '../store/database';
import { existingConsumerIds, matchingConsumerIds } from '../store/consumer-store';
import {
  findTaskById,
  findTaskByIdempotencyKey,
  groupTaskStates,
  listGroupEvents,
  insertTasks,
  listTaskEvents,
  listTasks,
  markCancelRequested,
  transitionTask,
  type TaskFilter,
} from '../store/task-store';
import { Wake } from '../wake';
import { Batcher, transactionWithRetry } from '../store/batching';
import type { Dialect } from '../store/database';
import { confirmHandOff, markHandedOff } from '../store/dispatch-store';
import { IN_FLIGHT_STATES, isTerminal, UNDISPATCHED_STATES, type TaskStateName } from './states';
import type { MethodRegistry } from './method-registry';
import type { NewTask, TaskEventRecord, TaskRecord } from './task-record';

/** A task as its creating transaction committed it. */
function createdRecord(t: NewTask): TaskRecord {
  return {
    ...t,
    seq: 0,
    updateTime: t.createTime,
    startTime: null,
    endTime: null,
    attempt: 0,
    resultJson: null,
    error: null,
    progress: null,
    cancelRequestedTime: null,
    cancelReason: null,
    groupId: t.groupId ?? null,
    scheduleId: t.scheduleId ?? null,
    fireTime: t.fireTime ?? null,
  };
}

/** After a commit that created tasks: log them and wake watchers and the dispatcher. */
export function announceCreated(newTasks: NewTask[], notifier: ChangeNotifier, logger: Logger): void {
  for (const t of newTasks) {
    logger.info({ event: 'task.created', taskId: t.id, consumerId: t.consumerId, method: t.method, state: t.state, groupId: t.groupId ?? undefined, scheduleId: t.scheduleId ?? undefined }, 'task created');
    notifier.taskChanged(t.id);
    // The scheduler arms a precise timer for releases and expiries that come soon.
    if (t.state === 'SCHEDULED' && t.notBefore !== null) notifier.dueTimeChanged(t.notBefore);
    if (t.notAfter !== null) notifier.dueTimeChanged(t.notAfter);
  }
  for (const consumerId of new Set(newTasks.filter((t) => t.state === 'WAITING').map((t) => t.consumerId))) notifier.consumerHasWork(consumerId);
}
import { toNewTask, validateCreateTask, type CreateTaskInput, type TaskOrigin, type ValidTaskInput } from './task-input';

export const MAX_BATCH_SIZE = 1000;

type FieldName = (field: string, index: number) => string;

/**
 * A slot on a live agent stream of this server, reserved for a task being
 * created. `send` after the task committed as DISPATCHED, `release` if it
 * did not.
 */
export interface HandOffSlot {
  sessionId: string;
  send(task: TaskRecord): void;
  release(): void;
}

export interface TaskHandOff {
  /** A slot for a new task of `consumerId`, if its stream is here, has room, runs `method` and has nothing older waiting. */
  reserve(consumerId: string, method: string): HandOffSlot | null;
}
const MAX_TASK_ID_LENGTH = 64;
/** The largest fan-out of one group. */
export const MAX_GROUP_SIZE = 1000;

export interface TaskManagerOptions {
  db: Knex;
  clock: Clock;
  notifier: ChangeNotifier;
  pageTokens: PageTokens;
  logger: Logger;
  /** Argument checks of the methods the server knows. */
  methods: MethodRegistry;
  dialect: Dialect;
  /** Local agent streams that can take a new task at once (the AgentHub); optional. */
  handOff?: TaskHandOff;
  /** How often a watcher re-reads the store when no local wake-up came (changes made by other servers). */
  watchPollMs?: number;
}

/**
 * The task logic behind TaskService. It knows nothing of gRPC: it takes
 * plain inputs, throws domain errors (server/errors.ts), and keeps the
 * guarantees named below.
 */
export class TaskManager {
  private readonly db: Knex;
  private readonly clock: Clock;
  private readonly notifier: ChangeNotifier;
  private readonly pageTokens: PageTokens;
  private readonly logger: Logger;
  private readonly watchPollMs: number;
  private readonly methods: MethodRegistry;
  private readonly dialect: Dialect;
  private handOff: TaskHandOff | undefined;
  private readonly createQueue: Batcher<ValidTaskInput, TaskRecord | NotFoundError>;

  constructor(options: TaskManagerOptions) {
    this.methods = options.methods;
    this.dialect = options.dialect;
    this.handOff = options.handOff;
    // Two groups in flight: one commits while the next is being written.
    this.createQueue = new Batcher((group) => this.flushCreates(group), 256, 2);
    this.db = options.db;
    this.clock = options.clock;
    this.notifier = options.notifier;
    this.pageTokens = options.pageTokens;
    this.logger = options.logger;
    this.watchPollMs = options.watchPollMs ?? 1000;
  }

  /**
   * One task. Unkeyed requests are group-committed (Batcher): requests
   * arriving together share one transaction, which is what lets one server
   * accept thousands of tasks a second where a commit costs a fraction of a
   * millisecond.
   * Each caller still hears OK only after its task is committed.
   */
  async create(input: CreateTaskInput): Promise<TaskRecord> {
    if (input.idempotencyKey) return (await this.createMany([input], (field) => field))[0];
    const [valid] = this.validateAll([input], this.clock.now(), (field) => field);
    const outcome = await this.createQueue.submit(valid);
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  /** All or nothing: one transaction for the whole batch. Errors name the entry ("requests[3].method"). */
  async createBatch(inputs: CreateTaskInput[]): Promise<TaskRecord[]> {
    if (inputs.length === 0) throw new InvalidArgumentError('requests', 'must contain at least one request');
    if (inputs.length > MAX_BATCH_SIZE) throw new InvalidArgumentError('requests', `has ${inputs.length} entries; at most ${MAX_BATCH_SIZE} are allowed`);
    return this.createMany(inputs, (field, i) => `requests[${i}].${field}`);
  }

  private validateAll(inputs: CreateTaskInput[], now: number, fieldName: FieldName): ValidTaskInput[] {
    return inputs.map((input, i) => {
      try {
        const valid = validateCreateTask(input, now);
        this.methods.get(valid.method)?.validateArguments?.(JSON.parse(valid.argumentsJson));
        return valid;
      } catch (err) {
        if (err instanceof InvalidArgumentError) throw new InvalidArgumentError(fieldName(err.field, i), err.problem);
        throw err;
      }
    });
  }

  /** A group of unkeyed single creates: each one fails alone (unknown consumer) or all commit together. */
  private async flushCreates(group: ValidTaskInput[]): Promise<Array<TaskRecord | NotFoundError>> {
    const known = await existingConsumerIds(this.db, [...new Set(group.map((v) => v.consumerId))]);
    const insertable = group.filter((v) => known.has(v.consumerId));
    const created = insertable.length ? await this.insertValidated(insertable, this.clock.now(), {}, true) : [];
    let next = 0;
    return group.map((v) => (known.has(v.consumerId) ? created[next++] : new NotFoundError('consumer', v.consumerId, 'consumer_id')));
  }

  /** Keyed creates and batches: idempotency first, then one transaction. */
  private async createMany(inputs: CreateTaskInput[], fieldName: FieldName): Promise<TaskRecord[]> {
    const now = this.clock.now();
    const valid = this.validateAll(inputs, now, fieldName);
    const keyed = new Map<string, number>();
    valid.forEach((v, i) => {
      if (!v.idempotencyKey) return;
      const first = keyed.get(v.idempotencyKey);
      if (first !== undefined) throw new InvalidArgumentError(fieldName('idempotency_key', i), `repeats the key of requests[${first}]`);
      keyed.set(v.idempotencyKey, i);
    });

    for (let attempt = 0; ; attempt++) {
      // Retries of an earlier request: answered with the task created then.
      const existing = await this.findIdempotentMatches(valid, fieldName);
      const fresh = valid.map((v, i) => (existing[i] ? null : v));
      const toInsert = fresh.filter((v): v is ValidTaskInput => v !== null);
      if (toInsert.length === 0) return existing as TaskRecord[];

      const known = await existingConsumerIds(this.db, [...new Set(toInsert.map((v) => v.consumerId))]);
      fresh.forEach((v, i) => {
        if (v && !known.has(v.consumerId)) throw new NotFoundError('consumer', v.consumerId, fieldName('consumer_id', i));
      });
      let created: TaskRecord[];
      try {
        created = await this.insertValidated(toInsert, now);
      } catch (err) {
        // Two identical retries raced on two servers: the unique key let one
        // win; go round again and answer with the winner's task.
        if (isUniqueViolation(err) && attempt < 3) continue;
        throw err;
      }
      let next = 0;
      return valid.map((_, i) => existing[i] ?? created[next++]);
    }
  }

  /**
   * Guarantee 1 (durable acceptance) is kept here: the tasks, their labels
   * and their "created" events are committed in one transaction before this
   * returns, so an OK answer to CreateTask means the task is in the store.
   */
  private async insertValidated(valid: ValidTaskInput[], now: number, origin: TaskOrigin = {}, handOff = false): Promise<TaskRecord[]> {
    const newTasks = valid.map((v) => toNewTask(v, now, origin));
    // Hand-off: a task whose consumer's stream on this server has a free
    // slot and nothing older waiting is dispatched in its creating
    // transaction, saving the separate claim (see TaskHandOff).
    const slots = handOff && this.handOff ? newTasks.map((t) => (t.state === 'WAITING' ? this.handOff!.reserve(t.consumerId, t.method) : null)) : [];
    let handed = new Set<string>();
    try {
      await transactionWithRetry(this.db, async (trx) => {
        const offered = newTasks.flatMap((t, i) => (slots[i] ? [{ taskId: t.id, consumerId: t.consumerId, sessionId: slots[i]!.sessionId }] : []));
        handed = offered.length ? await confirmHandOff(trx, this.dialect, offered) : new Set();
        await insertTasks(trx, newTasks);
        if (handed.size) await markHandedOff(trx, [...handed], now);
      });
    } catch (err) {
      for (const slot of slots) slot?.release();
      throw err;
    }
    const records = newTasks.map((t) => (handed.has(t.id) ? { ...createdRecord(t), state: 'DISPATCHED' as const, attempt: 1 } : createdRecord(t)));
    announceCreated(
      newTasks.map((t) => (handed.has(t.id) ? { ...t, state: 'DISPATCHED' as const } : t)),
      this.notifier,
      this.logger,
    );
    slots.forEach((slot, i) => {
      if (!slot) return;
      if (handed.has(newTasks[i].id)) slot.send(records[i]);
      else slot.release();
    });
    // The tasks as committed; not read back (a read per group is measurable
    // on the create path), so `seq`, which only paging uses, is not known.
    return records;
  }

  /** Connects the agent hub once both exist (they are built in either order). */
  setHandOff(handOff: TaskHandOff): void {
    this.handOff = handOff;
  }

  /**
   * Fan-out: one task per consumer matching `selector` now, in one
   * transaction, under a new group id. Errors name "template.<field>".
   */
  async createGroup(selector: Record<string, string>, template: CreateTaskInput): Promise<{ groupId: string; tasks: TaskRecord[] }> {
    if (Object.keys(selector).length === 0) throw new InvalidArgumentError('consumer_selector', 'is required: at least one key=value');
    if (template.consumerId) throw new InvalidArgumentError('template.consumer_id', 'must be empty: the selector chooses the consumers');
    if (template.idempotencyKey) throw new InvalidArgumentError('template.idempotency_key', 'is not supported for groups');
    const now = this.clock.now();
    const consumerIds = await matchingConsumerIds(this.db, selector, MAX_GROUP_SIZE + 1);
    if (consumerIds.length > MAX_GROUP_SIZE) throw new FailedPreconditionError(`consumer_selector matches more than ${MAX_GROUP_SIZE} consumers; narrow it`);
    // Validate the template once, as if for a consumer, so errors name template fields.
    const [checked] = this.validateAll([{ ...template, consumerId: consumerIds[0] ?? 'placeholder' }], now, (field) => `template.${field}`);
    const groupId = crypto.randomUUID();
    if (consumerIds.length === 0) {
      this.logger.info({ event: 'task_group.empty', groupId, selector }, 'task group matched no consumer');
      return { groupId, tasks: [] };
    }
    const tasks = await this.insertValidated(consumerIds.map((consumerId) => ({ ...checked, consumerId })), now, { groupId });
    return { groupId, tasks };
  }

  /** Cancels every unfinished task of a group; returns the group's tasks. */
  async cancelGroup(groupId: string, reason: string): Promise<TaskRecord[]> {
    const members = await this.groupMembers(groupId);
    for (const member of members) {
      if (isTerminal(member.state)) continue;
      await this.cancel(member.id, reason).catch((err) => {
        // It ended on its own meanwhile: that is fine for a group cancel.
        if (!(err instanceof FailedPreconditionError)) throw err;
      });
    }
    return this.list({ groupId }, MAX_GROUP_SIZE, '').then((page) => page.tasks.reverse());
  }

  private async groupMembers(groupId: string, field = 'group_id'): Promise<Array<{ id: string; state: TaskStateName }>> {
    if (!groupId) throw new InvalidArgumentError(field, 'is required');
    if (groupId.length > MAX_TASK_ID_LENGTH) throw new InvalidArgumentError(field, `is longer than ${MAX_TASK_ID_LENGTH} characters`);
    const members = await groupTaskStates(this.db, groupId);
    if (members.length === 0) throw new NotFoundError('group', groupId, field);
    return members;
  }

  /**
   * Events of every task of a group, past then live, ending when all have
   * ended. Each task's events are in order (its row lock orders them); a
   * per-task cursor keeps one task's late-committed event from being
   * skipped because another task's later event was seen first.
   */
  async *watchGroup(groupId: string, afterEventId: number, signal: AbortSignal): AsyncGenerator<TaskEventRecord> {
    let members = await this.groupMembers(groupId);
    const cursors = new Map(members.map((m) => [m.id, afterEventId]));
    const wake = new Wake();
    const unsubscribe = this.notifier.onAnyTask(wake.fire);
    try {
      while (!signal.aborted) {
        members = await groupTaskStates(this.db, groupId);
        const allEndedBeforeRead = members.every((m) => isTerminal(m.state));
        const floor = Math.min(...cursors.values());
        const events = await listGroupEvents(this.db, groupId, floor, 1000);
        for (const event of events) {
          if (event.id <= (cursors.get(event.taskId) ?? floor)) continue;
          cursors.set(event.taskId, event.id);
          yield event;
        }
        if (events.length === 1000) continue;
        if (allEndedBeforeRead) return;
        await wake.wait(this.watchPollMs, signal);
      }
    } finally {
      unsubscribe();
    }
  }

  private async findIdempotentMatches(valid: ValidTaskInput[], fieldName: FieldName): Promise<(TaskRecord | null)[]> {
    return Promise.all(
      valid.map(async (v, i) => {
        if (!v.idempotencyKey) return null;
        const task = await findTaskByIdempotencyKey(this.db, v.idempotencyKey);
        if (!task) return null;
        if (task.requestHash !== v.requestHash) {
          throw new AlreadyExistsError(fieldName('idempotency_key', i), `"${v.idempotencyKey}" was already used for a different request (task ${task.id})`);
        }
        return task;
      }),
    );
  }

  async get(taskId: string, field = 'task_id'): Promise<TaskRecord> {
    if (!taskId) throw new InvalidArgumentError(field, 'is required');
    if (taskId.length > MAX_TASK_ID_LENGTH) throw new InvalidArgumentError(field, `is longer than ${MAX_TASK_ID_LENGTH} characters; task ids are UUIDs`);
    const task = await findTaskById(this.db, taskId);
    if (!task) throw new NotFoundError('task', taskId, field);
    return task;
  }

  async list(filter: TaskFilter, pageSize: number, pageToken: string): Promise<{ tasks: TaskRecord[]; nextPageToken: string }> {
    const beforeSeq = this.pageTokens.decode<number>('page_token', pageToken, filter, 'number');
    const tasks = await listTasks(this.db, filter, beforeSeq, pageSize + 1);
    const more = tasks.length > pageSize;
    const page = more ? tasks.slice(0, pageSize) : tasks;
    return { tasks: page, nextPageToken: more ? this.pageTokens.encode(page[page.length - 1].seq, filter) : '' };
  }

  /**
   * Cancels at once what no agent holds yet. For a dispatched or running
   * task: if its agent is connected (on any server) the request is recorded
   * and the agent told, and the task ends CANCELED when the agent confirms;
   * if the agent is offline it ends CANCELED at once and the agent is told
   * when it returns (agent_cancel_pending).
   */
  async cancel(taskId: string, reason: string): Promise<TaskRecord> {
    const cause = reason ? `canceled: ${reason}` : 'canceled by CancelTask';
    const error = { type: 'Canceled', message: cause, detailsJson: '' };
    for (let attempt = 0; attempt < 5; attempt++) {
      const task = await this.get(taskId);
      if (isTerminal(task.state)) {
        throw new FailedPreconditionError(`task ${taskId} has already ended (${task.state}); only unfinished tasks can be canceled`);
      }
      const now = this.clock.now();
      const undispatched = UNDISPATCHED_STATES.includes(task.state);
      const outcome = await this.db.transaction(async (trx) => {
        if (undispatched) {
          return (await transitionTask(trx, taskId, 'CANCELED', now, cause, { endTime: now, error }, UNDISPATCHED_STATES)) ? 'canceled' : null;
        }
        const consumer = await trx('consumers').select('session_id').where({ id: task.consumerId }).first();
        if (!consumer?.session_id) {
          if (!(await transitionTask(trx, taskId, 'CANCELED', now, `${cause} (agent offline)`, { endTime: now, error }, IN_FLIGHT_STATES))) return null;
          await trx('tasks').where({ id: taskId }).update({ agent_cancel_pending: true });
          return 'canceled';
        }
        return (await markCancelRequested(trx, taskId, now, cause)) ? 'requested' : null;
      });
      if (outcome) {
        this.logger.info({ event: 'task.cancel', taskId, from: task.state, outcome, reason }, 'task cancel');
        this.notifier.taskChanged(taskId);
        if (outcome === 'requested') this.notifier.cancelRequested(task.consumerId);
        return this.get(taskId);
      }
      // Already asked: cancelling twice is not an error.
      if (!undispatched && task.cancelRequestedTime !== null) return task;
      // Otherwise the task moved under us (e.g. was dispatched): look again.
    }
    throw new FailedPreconditionError(`task ${taskId} kept changing state; try again`);
  }

  /**
   * The task's events after `afterEventId`, then live ones, ending after the
   * terminal state. Each pass reads the task's state before its events, so
   * when the state is terminal every event up to the terminal one is already
   * visible: the watcher cannot stop early, nor miss or repeat an event.
   */
  async *watch(taskId: string, afterEventId: number, signal: AbortSignal): AsyncGenerator<TaskEventRecord> {
    await this.get(taskId);
    if (!Number.isSafeInteger(afterEventId) || afterEventId < 0) throw new InvalidArgumentError('after_event_id', 'must be zero or a positive event id');
    const wake = new Wake();
    const unsubscribe = this.notifier.onTask(taskId, wake.fire);
    let cursor = afterEventId;
    const pageSize = 500;
    try {
      while (!signal.aborted) {
        const stateRow = await this.db('tasks').select('state').where({ id: taskId }).first();
        const endedBeforeRead = stateRow !== undefined && isTerminal(stateRow.state);
        const events = await listTaskEvents(this.db, taskId, cursor, pageSize);
        for (const event of events) {
          yield event;
          cursor = event.id;
          if (event.type === 'STATE_CHANGED' && isTerminal(event.state)) return;
        }
        if (events.length === pageSize) continue;
        if (endedBeforeRead || stateRow === undefined) return;
        await wake.wait(this.watchPollMs, signal);
      }
    } finally {
      unsubscribe();
    }
  }
}
