import type { Knex } from 'knex';
import type { Clock } from '../clock';
import type { Logger } from '../../common/log';
import type { ChangeNotifier } from '../notifier';
import { isDatabaseUnavailable, isUniqueViolation, type Dialect } from '../store/database';
import { transactionWithRetry, updateRowsById } from '../store/batching';
import { insertHistoryEvents } from '../store/consumer-store';
import { insertAuditEvents, type NewAuditEvent } from '../store/audit-store';
import {
  cancellationsDue,
  consumersWithBacklog,
  consumersWithTasksIn,
  countDelivery,
  lockOldestTasks,
  overdueTasks,
  sessionsOf,
  setAgentCancelPending,
  tasksOfConsumerIn,
  unansweredStopRequests,
  type CancellationDue,
} from '../store/dispatch-store';
import { lockTasksDueForRelease, lockTasksPastWindow, type ExpiringTask } from '../store/due-store';
import { findTasksByIds, insertTasks, insertTaskEvents, methodsOf, recordCancelRequest, rowToTask, setTaskStates, taskOwnerAndState, taskStatesOfConsumer, type NewTaskEvent } from '../store/task-store';
import { RateLimitedLog } from '../rate-limited-log';
import { NO_METRICS, secondsBetween, type Metrics } from '../metrics';
import { AfterCommit } from './after-commit';
import type { MethodRegistry } from './method-registry';
import { Settlement, type AgentReport, type ReportOutcome } from './settlement';
import { guardOf, IN_FLIGHT_STATES, TASK_STATES, targetOf, UNDISPATCHED_STATES, type TaskStateName, type TransitionName } from './states';
import { OUTCOME_UNKNOWN, type NewTask, type StopKind, type TaskDraft, type TaskErrorInfo, type TaskRecord } from './task-record';

const { SCHEDULED, WAITING, DISPATCHED, FAILED, CANCELED, EXPIRED } = TASK_STATES;

export interface CreateOptions {
  /** Hand tasks straight to a free slot of their stream: here, or on the one other server holding all their streams. */
  handOff?: boolean;
  /** Audit rows committed with the tasks. */
  audit?: NewAuditEvent[];
  /** More writes of the same transaction (a rollout's group row); a create with them is never forwarded. */
  alsoWrite?: (tx: LifecycleTransaction) => Promise<void>;
  /** Made here, never forwarded: the fallback of a forward that failed (with `mayExist`). */
  here?: boolean;
  /** The tasks may have been committed already, by a forward whose answer was lost: a clash on their ids finds them. */
  mayExist?: boolean;
}

export const WINDOW_CLOSED: TaskErrorInfo = { type: 'WindowClosed', message: 'the window (not_after_time) closed before the task could start', detailsJson: '' };

/** Default of TaskLifecycleOptions.abandonAfterMs: one hour. */
export const DEFAULT_ABANDON_AFTER_MS = 3600_000;

/**
 * A slot on a live agent stream of this server, reserved for a task being
 * created: `send` once the task committed as DISPATCHED, `release` if not.
 */
export interface HandOffSlot {
  sessionId: string;
  send(task: TaskRecord): void;
  /** `outcomeUnknown`: the creating transaction failed in a way that may have committed (a lost connection). */
  release(outcomeUnknown?: boolean): void;
}

/** Local agent streams that can take a new task at once (the agent hub). */
export interface TaskHandOff {
  /** A slot for a new task of `consumerId`, if its stream is here, has room, runs `method` and, as far as this server knows, nothing older waits. */
  reserve(consumerId: string, method: string): HandOffSlot | null;
}

/**
 * Other servers' agent streams: a create whose consumers' streams are all on
 * one other server is created there, with that server's hand-off
 * (server/cluster/create-forwarder.ts).
 */
export interface RemoteHandOff {
  /** The server holding this consumer's stream, if another one and known without a read. */
  ownerOf(consumerId: string): string | null;
  /**
   * Created and committed there, but for the tasks it refused (with `check`,
   * audit[i] being tasks[i]'s row). Null if not created there, or not known
   * to be.
   */
  create(owner: string, tasks: NewTask[], audit: NewAuditEvent[], check: CreateCheck | null): Promise<CreatedThere | null>;
}

/** A create the server holding the streams is to check: for each task, whether it may name a method its agent does not offer. */
export interface CreateCheck {
  allowUnknownMethod: boolean[];
}

/** Why the server holding a consumer's stream refused a task of a checked create; the caller answers with that status. */
export interface CreateRefusal {
  code: 'NOT_FOUND' | 'FAILED_PRECONDITION';
  message: string;
}

/** What the server holding the streams did with a forwarded create. */
export interface CreatedThere {
  /** Sent straight to their stream (DISPATCHED, attempt 1); the rest of those created are WAITING. */
  handed: Set<string>;
  /** Not written, and why. */
  refused: Map<string, CreateRefusal>;
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
  /** False when the stream is no longer the consumer's live one: it claimed nothing. */
  live: boolean;
  /** Not live because the store has the consumer offline (its server's lease was reaped), not because a newer stream took over. */
  offline?: boolean;
  /** True when the consumer may have more WAITING tasks than were claimed. */
  more: boolean;
}

export type CancelOutcome =
  /** The task ended CANCELED. */
  | 'canceled'
  /** Its agent holds it: the request is recorded and the agent told. */
  | 'requested';

export interface TaskLifecycleOptions {
  db: Knex;
  dialect: Dialect;
  clock: Clock;
  notifier: ChangeNotifier;
  methods: MethodRegistry;
  logger: Logger;
  /** Agent reports settled per transaction (default 256). */
  settleBatch?: number;
  /** How long an idle settlement waits for company (default 2 ms). */
  settleLingerMs?: number;
  /** Where transitions are counted and timed (default: nowhere). */
  metrics?: Metrics;
  /**
   * A held task whose agent has not answered a stop request (CancelTask or
   * its timeout) within this ends FAILED, OutcomeUnknown (default 1 h).
   */
  abandonAfterMs?: number;
}

/**
 * The one owner of every transition a task makes (server/tasks/states.ts
 * TRANSITIONS): create (with the hand-off), release, expire, claim,
 * accept, progress, settle, cancel, time out, redeliver. Each is a named
 * function whose guarded write takes its guard from the transition table,
 * writes its task_events rows (and history) in the same transaction, and
 * reports the rows it actually changed: a writer that lost a race writes
 * no event. The wake-ups that follow a change (watchers, dispatch, cancel
 * delivery, the scheduler's timer) are published by the lifecycle after the
 * commit, never by its callers. It knows nothing of gRPC or streams.
 */
export class TaskLifecycle {
  private readonly settlement: Settlement;
  private readonly warnings: RateLimitedLog;
  private handOff: TaskHandOff | null = null;
  private remoteHandOff: RemoteHandOff | null = null;
  private readonly metrics: Metrics;

  constructor(private readonly options: TaskLifecycleOptions) {
    this.warnings = new RateLimitedLog(options.logger);
    this.metrics = options.metrics ?? NO_METRICS;
    this.settlement = new Settlement({
      metrics: this.metrics,
      logger: options.logger,
      dialect: options.dialect,
      methods: options.methods,
      maxBatch: options.settleBatch ?? 256,
      lingerMs: options.settleLingerMs ?? 2,
      transaction: (work) => this.transaction(work),
    });
  }

  /** Connects the agent hub's hand-off, and other servers' (when several share the store), once they exist. */
  setHandOff(handOff: TaskHandOff, remote: RemoteHandOff | null = null): void {
    this.handOff = handOff;
    this.remoteHandOff = remote;
  }

  /** Where a create for this consumer is made: '' here, else the address of the server holding its stream. Creates for different places commit apart. */
  createPlace(consumerId: string): string {
    return this.remoteHandOff?.ownerOf(consumerId) ?? '';
  }

  /**
   * Runs `work` in one transaction, again from the start on a deadlock;
   * what it owes the rest of the server is published after the commit.
   */
  async transaction<T>(work: (tx: LifecycleTransaction) => Promise<T>, now = this.options.clock.now()): Promise<T> {
    let after = new AfterCommit();
    let attempts = 0;
    let result: T;
    try {
      result = await transactionWithRetry(this.options.db, (trx) => {
        attempts++;
        after = new AfterCommit();
        return work(new LifecycleTransaction(trx, this.options.dialect, now, after));
      });
    } finally {
      if (attempts > 1) this.metrics.transactionsRetried(attempts - 1);
    }
    after.publish(this.options.notifier, this.options.logger, this.warnings, this.metrics);
    return result;
  }

  /**
   * create: the tasks, their labels and "created" events in one
   * transaction (guarantee 1: committed before CreateTask answers). With
   * `handOff`, a task whose consumer's stream is on this server with a free
   * slot and nothing older waiting is dispatched in that same transaction,
   * saving a claim; it is sent after the commit. When every task's stream
   * is on one other server, the create is made there instead, for the same
   * hand-off (RemoteHandOff); guarantee 1 holds there as here. `audit` rows
   * (the calls that asked for them) commit with the tasks.
   */
  async create(drafts: TaskDraft[], options: CreateOptions = {}): Promise<TaskRecord[]> {
    const tasks = drafts.map(withInitialState);
    const owner = options.handOff && !options.alsoWrite && !options.here ? this.remoteOwnerOfAll(tasks) : null;
    if (!owner) return this.createHere(tasks, options);
    const there = await this.remoteHandOff!.create(owner, tasks, options.audit ?? [], null);
    if (there) return tasks.map((t) => createdRecord(t, there.handed.has(t.id)));
    // Not created there, or not known to be (a lost answer): created here
    // under the same ids, so if the other server did commit them, this
    // insert finds them instead of creating them twice.
    return this.createHere(tasks, { ...options, mayExist: true });
  }

  /**
   * create, made by `owner`, the server holding the streams of all these
   * tasks' consumers (createPlace), which also checks them: a task of a
   * consumer that does not exist, or for a method its agent does not
   * offer, is refused alone, from the hello of the stream that server
   * holds, so the create costs this server no read. `audit[i]` is
   * `drafts[i]`'s row. Null if not created there, or not known to be: then
   * the caller checks and creates the same drafts here (`here`,
   * `mayExist`).
   */
  async createThere(owner: string, drafts: TaskDraft[], audit: NewAuditEvent[], check: CreateCheck): Promise<Array<TaskRecord | CreateRefusal> | null> {
    const tasks = drafts.map(withInitialState);
    if (!this.remoteHandOff || tasks.some((t) => t.state !== WAITING)) return null;
    const there = await this.remoteHandOff.create(owner, tasks, audit, check);
    if (!there) return null;
    return tasks.map((t) => there.refused.get(t.id) ?? createdRecord(t, there.handed.has(t.id)));
  }

  /** The other server holding the streams of all these tasks' consumers, when it is one server and every task is one the hand-off takes (WAITING). */
  private remoteOwnerOfAll(tasks: NewTask[]): string | null {
    if (!this.remoteHandOff || tasks.length === 0) return null;
    let owner: string | null = null;
    for (const t of tasks) {
      const place = t.state === WAITING ? this.remoteHandOff.ownerOf(t.consumerId) : null;
      if (!place || (owner && place !== owner)) return null;
      owner = place;
    }
    return owner;
  }

  /**
   * create, for tasks another server validated and forwarded here because
   * this server holds their consumers' streams: committed with the local
   * hand-off, never forwarded again. Returns the ids handed to a stream.
   */
  async createForwarded(tasks: NewTask[], audit: NewAuditEvent[]): Promise<string[]> {
    const created = await this.createHere(tasks, { handOff: true, audit });
    return created.filter((t) => t.state === DISPATCHED).map((t) => t.id);
  }

  private async createHere(tasks: NewTask[], options: CreateOptions): Promise<TaskRecord[]> {
    const slots = options.handOff && this.handOff ? tasks.map((t) => (t.state === WAITING ? this.handOff!.reserve(t.consumerId, t.method) : null)) : [];
    let handed = new Set<string>();
    const started = performance.now();
    try {
      handed = await this.transaction(async (tx) => {
        const inserted = await tx.insert(tasks, slots);
        await insertAuditEvents(tx.trx, options.audit ?? []);
        await options.alsoWrite?.(tx);
        return inserted;
      });
      this.metrics.createBatch(tasks.length, (performance.now() - started) / 1000);
    } catch (err) {
      // A connection lost during COMMIT leaves its outcome unknown: the task may be DISPATCHED to the stream without having been sent.
      const unknown = isDatabaseUnavailable(err);
      for (const slot of slots) slot?.release(unknown);
      if (options.mayExist && isUniqueViolation(err)) {
        const found = await findTasksByIds(this.options.db, tasks.map((t) => t.id));
        if (found.length === tasks.length) return found;
      }
      throw err;
    }
    const records = tasks.map((t) => createdRecord(t, handed.has(t.id)));
    slots.forEach((slot, i) => {
      if (!slot) return;
      if (handed.has(records[i].id)) slot.send(records[i]);
      else slot.release();
    });
    // As committed; not read back (a read per group is measurable on the
    // create path), so `seq`, which only paging uses, is not known.
    return records;
  }

  /** release: SCHEDULED tasks whose not_before has come become WAITING. Returns how many. */
  releaseDue(now = this.options.clock.now()): Promise<number> {
    return this.transaction(async (tx) => {
      const due = await lockTasksDueForRelease(tx.trx, this.options.dialect, guardOf('release'), now);
      return tx.release(due);
    }, now);
  }

  /** expire: unstarted tasks whose window closed end EXPIRED. Returns how many. */
  expireOverdue(now = this.options.clock.now()): Promise<number> {
    return this.transaction(async (tx) => tx.expire(await lockTasksPastWindow(tx.trx, this.options.dialect, guardOf('expire'), now)), now);
  }

  /**
   * claim: WAITING tasks for many streams in ONE transaction, up to each
   * stream's limit, oldest first (guarantee 3, FIFO per consumer), fenced on
   * the stream still being its consumer's live one. A task whose window has
   * closed expires instead of being sent (guarantee 5), and one for a method
   * the agent lacks is refused (FAILED).
   */
  claim(requests: ClaimRequest[]): Promise<Map<string, ClaimResult>> {
    return this.transaction((tx) => tx.claim(requests));
  }

  /**
   * redeliver: what this consumer had in flight when its previous stream
   * ended, oldest first, to be sent again (guarantee 2, at-least-once; the
   * agent's journal keeps execution at most once). Each gets attempt + 1
   * and a REDELIVERED event.
   */
  redeliver(consumerId: string): Promise<TaskRecord[]> {
    return this.redeliverWhere(consumerId, () => true, 'sent again on a new stream');
  }

  /**
   * redeliver, on a stream that is still open: what its consumer has in
   * flight that the stream does not hold (`held`), after a claim or hand-off
   * whose commit may have happened although this server saw it fail.
   */
  redeliverUnheld(consumerId: string, held: (taskId: string) => boolean): Promise<TaskRecord[]> {
    return this.redeliverWhere(consumerId, (t) => !held(t.id), 'sent again: the outcome of its claim was unknown');
  }

  private redeliverWhere(consumerId: string, include: (task: TaskRecord) => boolean, cause: string): Promise<TaskRecord[]> {
    return this.transaction(async (tx) => {
      // A task never accepted whose agent was asked to stop it is not sent
      // again, so it cannot start now: the agent only hears the cancellation.
      const held = (await tasksOfConsumerIn(tx.trx, consumerId, guardOf('redeliver'))).map(rowToTask).filter((t) => !(t.state === DISPATCHED && t.cancelRequestedTime !== null) && include(t));
      return tx.redeliver(held, 'redeliver', cause);
    });
  }

  /** resend: a DISPATCHED task its agent did not accept in time; null if it moved on meanwhile, or its agent was asked to stop it. */
  async resend(task: TaskRecord): Promise<TaskRecord | null> {
    const [again] = await this.transaction((tx) => tx.redeliver([task], 'resend', 'sent again: not accepted in time'));
    return again ?? null;
  }

  /** accept, progress, settle: an agent's report, group-committed with others (see Settlement). */
  report(report: AgentReport): Promise<ReportOutcome> {
    return this.settlement.report(report);
  }

  /** Waits until every report received so far is written (graceful shutdown). */
  drainReports(): Promise<void> {
    return this.settlement.drain();
  }

  /**
   * cancel / requestCancel, by where the task is: one no agent holds ends
   * CANCELED; one an agent holds gets the request recorded, whether its
   * agent is connected or not, and its agent is told (now, or when it next
   * connects): the task ends with what the agent reports, or by abandon
   * when it never does. Null when the task moved on meanwhile, or a stop
   * was already requested. `audit` (the call's row) commits only with a change.
   */
  cancel(task: TaskRecord, cause: string, audit?: NewAuditEvent): Promise<CancelOutcome | null> {
    const error = { type: 'Canceled', message: cause, detailsJson: '' };
    return this.transaction(async (tx) => {
      const audited = async (outcome: CancelOutcome | null) => {
        if (outcome && audit) await insertAuditEvents(tx.trx, [audit]);
        return outcome;
      };
      if (UNDISPATCHED_STATES.includes(task.state)) {
        return audited((await tx.end([task.id], 'cancel', CANCELED, cause, error)) === 1 ? 'canceled' : null);
      }
      return audited((await tx.requestCancel(task.id, task.consumerId, cause, 'cancel')) ? 'requested' : null);
    });
  }

  /**
   * timeOut: a RUNNING task past its timeout, not yet asked to stop, gets a
   * stop request and its agent is told (now if connected, else when it next
   * connects); the agent's "Canceled" then ends it TIMED_OUT. Safe to race
   * with other servers, CancelTask and the reply: the guarded write lets one
   * of them win.
   */
  timeOut(taskId: string): Promise<boolean> {
    return this.transaction(async (tx) => {
      const owner = await taskOwnerAndState(tx.trx, taskId);
      if (!owner) return false;
      return tx.requestCancel(taskId, owner.consumerId, 'timeout passed', 'timeout');
    });
  }

  /**
   * notAccepted: a DISPATCHED task its connected agent was sent several
   * times without ever accepting it ends FAILED (NotAccepted), and the
   * agent is told to drop it. False if it moved on meanwhile.
   */
  failUnaccepted(taskId: string, sends: number): Promise<boolean> {
    const error = { type: 'NotAccepted', message: `the agent was sent the task ${sends} times and never accepted it`, detailsJson: JSON.stringify({ sends }) };
    return this.transaction(async (tx) => {
      const owner = await taskOwnerAndState(tx.trx, taskId);
      if (!owner) return false;
      const won = (await tx.end([taskId], 'notAccepted', FAILED, 'never accepted by its agent', error, { agent_cancel_pending: true })) === 1;
      if (won) tx.after.cancelRequested(owner.consumerId);
      return won;
    });
  }

  /** The sweep behind the per-task timers: asks to stop every RUNNING task past its timeout (e.g. whose server died, or whose agent is away). */
  async timeOutOverdue(): Promise<void> {
    for (const id of await overdueTasks(this.options.db, guardOf('timeOut')[0], this.options.clock.now())) await this.timeOut(id);
  }

  /**
   * abandon: held tasks whose agent has not answered a stop request within
   * the abandon deadline end FAILED with OutcomeUnknown; the agent is still
   * told to stop when it returns, and what it reports then is recorded as
   * the late outcome. Returns how many ended.
   */
  async abandonOverdue(): Promise<number> {
    const after = this.options.abandonAfterMs ?? DEFAULT_ABANDON_AFTER_MS;
    const now = this.options.clock.now();
    let ended = 0;
    for (const t of await unansweredStopRequests(this.options.db, guardOf('abandon'), now - after)) {
      const error: TaskErrorInfo = {
        type: OUTCOME_UNKNOWN,
        message: `its agent did not answer the request to stop it (${t.cancelReason ?? 'canceled'}) within ${after / 1000} s: what the host did is unknown; a later report from the agent is recorded as its late outcome`,
        detailsJson: '',
      };
      ended += await this.transaction(async (tx) => {
        const n = await tx.end([t.id], 'abandon', FAILED, 'no answer to the stop request: outcome unknown', error, { agent_cancel_pending: true });
        if (n) tx.after.cancelRequested(t.consumerId);
        return n;
      }, now);
    }
    return ended;
  }

  /** Cancellations these consumers' agents must hear: requests on tasks they hold, and tasks ended while they were away. */
  cancellationsDue(consumerIds: string[]): Promise<CancellationDue[]> {
    return cancellationsDue(this.options.db, consumerIds, IN_FLIGHT_STATES);
  }

  /** The agents were told that these ended tasks are over. */
  cancellationsDelivered(taskIds: string[]): Promise<void> {
    return setAgentCancelPending(this.options.db, taskIds, false);
  }

  /** Of these consumers, those with WAITING tasks (the poll's look for work created on other servers). */
  consumersWithWork(consumerIds: string[]): Promise<Set<string>> {
    return consumersWithTasksIn(this.options.db, consumerIds, WAITING);
  }
}

/**
 * The transitions as steps inside one transaction, for callers that write
 * more in it (a schedule's fire, unregistering a consumer). Each step writes
 * its events and queues its wake-ups on `after`.
 */
export class LifecycleTransaction {
  constructor(
    readonly trx: Knex.Transaction,
    private readonly dialect: Dialect,
    readonly now: number,
    readonly after: AfterCommit,
  ) {}

  /** create: new tasks, SCHEDULED or WAITING by their not_before (a schedule's fire; no hand-off). */
  async create(drafts: TaskDraft[]): Promise<void> {
    await this.insert(drafts.map(withInitialState));
  }

  /** create: inserts `tasks`; those offered a slot and confirmed here go on to DISPATCHED. Returns their ids. */
  async insert(tasks: NewTask[], slots: Array<HandOffSlot | null> = []): Promise<Set<string>> {
    const offered = tasks.flatMap((t, i) => (slots[i] ? [{ task: t, sessionId: slots[i]!.sessionId }] : []));
    const handed = offered.length ? await this.confirmHandOff(offered) : new Set<string>();
    // The hand-off's dispatch is written with the insert (DISPATCHED, attempt 1, its own event): the row is new, so nothing can race it.
    await insertTasks(this.trx, tasks, handed.size ? { ids: handed, state: targetOf('dispatch', DISPATCHED), time: this.now, cause: sentCause(1) } : null);
    this.after.observe((metrics) => metrics.tasksCreated(tasks.length));
    for (const t of tasks) {
      const state = handed.has(t.id) ? DISPATCHED : t.state;
      this.after.log('info', { event: 'task.created', taskId: t.id, consumerId: t.consumerId, method: t.method, state, groupId: t.groupId ?? undefined, scheduleId: t.scheduleId ?? undefined }, 'task created');
      this.after.taskChanged(t.id);
      if (t.state === SCHEDULED) this.after.dueAt(t.notBeforeTime);
      this.after.dueAt(t.notAfterTime);
      if (state === WAITING) this.after.consumerHasWork(t.consumerId);
    }
    return handed;
  }

  /**
   * Of the tasks offered for hand-off, those that may go straight to their
   * stream: it is still the consumer's live one (the fence, read FOR SHARE
   * on MySQL) and nothing older of that consumer is WAITING (FIFO,
   * guarantee 3). Runs before the inserts.
   */
  private async confirmHandOff(offered: Array<{ task: NewTask; sessionId: string }>): Promise<Set<string>> {
    const consumerIds = [...new Set(offered.map((o) => o.task.consumerId))];
    const sessions = await sessionsOf(this.trx, this.dialect, consumerIds, true);
    const backlog = await consumersWithBacklog(this.trx, consumerIds, WAITING);
    return new Set(offered.filter((o) => sessions.get(o.task.consumerId) === o.sessionId && !backlog.has(o.task.consumerId)).map((o) => o.task.id));
  }

  /** dispatch: WAITING -> DISPATCHED for rows this transaction holds; `attempt` is the attempt each becomes. */
  private async dispatch(ids: string[], attempt: number | ((id: string) => number)): Promise<void> {
    const { now } = this;
    await this.expectChanged('dispatch', ids, await setTaskStates(this.trx, ids, guardOf('dispatch'), targetOf('dispatch', DISPATCHED), { update_time: now }, { countAttempt: true }));
    const attemptOf = typeof attempt === 'number' ? () => attempt : attempt;
    await insertTaskEvents(this.trx, ids.map((taskId) => ({ taskId, type: 'STATE_CHANGED' as const, state: DISPATCHED, eventTime: now, cause: sentCause(attemptOf(taskId)) })));
  }

  /** release: SCHEDULED -> WAITING for rows this transaction holds: due, or (notBeforeTime null) held until their rollout wave started. */
  async release(due: Array<{ id: string; consumerId: string; notBeforeTime: number | null }>, cause = 'due: not_before reached'): Promise<number> {
    const ids = due.map((t) => t.id);
    if (ids.length === 0) return 0;
    await this.expectChanged('release', ids, await setTaskStates(this.trx, ids, guardOf('release'), targetOf('release', WAITING), { update_time: this.now }));
    await insertTaskEvents(this.trx, ids.map((taskId) => ({ taskId, type: 'STATE_CHANGED' as const, state: WAITING, eventTime: this.now, cause })));
    this.after.observe((metrics) => due.forEach((t) => t.notBeforeTime !== null && metrics.taskReleased(secondsBetween(t.notBeforeTime, this.now))));
    for (const t of due) {
      this.after.log('info', { event: 'task.released', taskId: t.id, consumerId: t.consumerId }, 'task due');
      this.after.taskChanged(t.id);
      this.after.consumerHasWork(t.consumerId);
    }
    return due.length;
  }

  /**
   * expire: tasks this transaction holds whose window closed before they
   * started end EXPIRED, and the miss goes into each consumer's history
   * (guarantee 5: never started outside its window, and the miss is visible).
   */
  async expire(tasks: ExpiringTask[]): Promise<number> {
    const ids = tasks.map((t) => t.id);
    const { now } = this;
    await this.expectChanged(
      'expire',
      ids,
      await setTaskStates(this.trx, ids, guardOf('expire'), targetOf('expire', EXPIRED), { end_time: now, update_time: now, error_type: WINDOW_CLOSED.type, error_message: WINDOW_CLOSED.message }),
    );
    await insertTaskEvents(this.trx, ids.map((taskId) => ({ taskId, type: 'STATE_CHANGED' as const, state: EXPIRED, eventTime: now, cause: 'window closed before it could start', error: WINDOW_CLOSED })));
    await insertHistoryEvents(
      this.trx,
      tasks.map((t) => ({
        consumerId: t.consumerId,
        type: 'window_missed',
        eventTime: now,
        taskId: t.id,
        detailsJson: JSON.stringify({ method: t.method, not_before_time: iso(t.notBeforeTime), not_after_time: iso(t.notAfterTime) }),
      })),
    );
    this.after.observe((metrics) => tasks.forEach((t) => metrics.taskSettled(EXPIRED, t.method)));
    for (const t of tasks) {
      this.after.log('info', { event: 'task.expired', taskId: t.id, consumerId: t.consumerId }, 'task expired: its window closed before it started');
      this.after.taskChanged(t.id);
    }
    return tasks.length;
  }

  /** claim (see TaskLifecycle.claim). */
  async claim(requests: ClaimRequest[]): Promise<Map<string, ClaimResult>> {
    const results = new Map<string, ClaimResult>();
    const sessions = await sessionsOf(this.trx, this.dialect, requests.map((r) => r.consumerId), true);
    const live = requests.filter((r) => sessions.get(r.consumerId) === r.sessionId);
    for (const r of requests) results.set(r.consumerId, { dispatched: [], live: sessions.get(r.consumerId) === r.sessionId, offline: sessions.get(r.consumerId) === null, more: false });
    if (live.length === 0) return results;

    // Read a little more than the free slots, so tasks that end here do not cost another round.
    const perConsumer = Math.max(...live.map((r) => r.limit)) * 2 + 8;
    const rows = await lockOldestTasks(this.trx, this.dialect, live.map((r) => r.consumerId), guardOf('dispatch')[0], perConsumer);
    if (rows.length === 0) return results;
    const byConsumer = new Map<string, TaskRecord[]>();
    for (const row of rows) {
      const task = rowToTask(row);
      byConsumer.set(task.consumerId, [...(byConsumer.get(task.consumerId) ?? []), task]);
    }

    const dispatched: TaskRecord[] = [];
    const refused: TaskRecord[] = [];
    const expiring: ExpiringTask[] = [];
    for (const request of live) {
      const result = results.get(request.consumerId)!;
      const tasks = byConsumer.get(request.consumerId) ?? [];
      result.more = tasks.length >= perConsumer;
      for (const task of tasks) {
        if (task.notAfterTime !== null && task.notAfterTime <= this.now) {
          expiring.push({ id: task.id, consumerId: task.consumerId, method: task.method, notBeforeTime: task.notBeforeTime, notAfterTime: task.notAfterTime });
        } else if (!request.canRun(task.method)) {
          refused.push(task);
        } else if (result.dispatched.length < request.limit) {
          const sent = { ...task, state: DISPATCHED, attempt: task.attempt + 1, updateTime: this.now };
          result.dispatched.push(sent);
          dispatched.push(sent);
        } else {
          result.more = true;
        }
      }
    }
    if (dispatched.length) {
      const attempts = new Map(dispatched.map((t) => [t.id, t.attempt]));
      await this.dispatch([...attempts.keys()], (id) => attempts.get(id)!);
      for (const t of dispatched) this.after.taskChanged(t.id);
    }
    await this.refuse(refused);
    await this.expire(expiring);
    return results;
  }

  /** refuse: WAITING tasks for a method their agent lacks end FAILED instead of being sent. */
  private async refuse(tasks: TaskRecord[]): Promise<void> {
    if (tasks.length === 0) return;
    const { now } = this;
    const errors = new Map(tasks.map((t) => [t.id, unknownMethod(t.method)]));
    const changes = new Map([...errors].map(([id, error]) => [id, { state: targetOf('refuse', FAILED), end_time: now, update_time: now, error_type: error.type, error_message: error.message }]));
    await this.expectChanged('refuse', [...errors.keys()], await updateRowsById(this.trx, 'tasks', changes, guardOf('refuse')));
    await insertTaskEvents(this.trx, [...errors].map(([taskId, error]) => ({ taskId, type: 'STATE_CHANGED' as const, state: FAILED, eventTime: now, cause: 'agent lacks the method', error })));
    this.after.observe((metrics) => tasks.forEach((t) => metrics.taskSettled(FAILED, t.method)));
    for (const t of tasks) {
      this.after.log('info', { event: 'task.refused', taskId: t.id, consumerId: t.consumerId, method: t.method }, 'task failed: its agent does not have the method');
      this.after.taskChanged(t.id);
    }
  }

  /** redeliver / resend: tasks sent again, attempt + 1 each, with a REDELIVERED event; those still in the transition's guard. */
  async redeliver(tasks: TaskRecord[], transition: 'redeliver' | 'resend', cause: string): Promise<TaskRecord[]> {
    if (tasks.length === 0) return [];
    const changed = await countDelivery(this.trx, tasks.map((t) => t.id), guardOf(transition), transition === 'resend');
    // One task (a resend) may have moved on; several were read in this transaction and are still held.
    if (changed !== tasks.length) {
      if (tasks.length === 1) return [];
      throw new Error(`${transition} changed ${changed} of ${tasks.length} tasks`);
    }
    const again = tasks.map((t) => ({ ...t, attempt: t.attempt + 1 }));
    await insertTaskEvents(this.trx, again.map((t) => ({ taskId: t.id, type: 'REDELIVERED' as const, state: t.state, eventTime: this.now, cause: `${cause} (attempt ${t.attempt})` })));
    for (const t of again) this.after.taskChanged(t.id);
    return again;
  }

  /**
   * requestCancel / timeOut: records a stop request on a task its agent
   * holds; the agent is told after the commit. False if it moved on or was
   * already asked.
   */
  async requestCancel(taskId: string, consumerId: string, cause: string, kind: StopKind): Promise<boolean> {
    const transition = kind === 'timeout' ? 'timeOut' : 'requestCancel';
    const state = await recordCancelRequest(this.trx, taskId, guardOf(transition), this.now, cause, kind);
    if (state === null) return false;
    await insertTaskEvents(this.trx, [{ taskId, type: 'CANCEL_REQUESTED', state, eventTime: this.now, cause: kind === 'timeout' ? 'timeout passed: the agent is asked to stop the task' : cause }]);
    this.after.log('info', { event: 'task.cancel_requested', taskId, consumerId, state, kind }, 'the agent is asked to stop the task');
    this.after.taskChanged(taskId);
    this.after.cancelRequested(consumerId);
    return true;
  }

  /**
   * cancel / abandon: ends the tasks still in the transition's guard in
   * `to`, with their error and event. Returns how many it changed (for one
   * task: 1 if this writer won).
   */
  async end(ids: string[], transition: 'cancel' | 'abandon' | 'notAccepted', to: TaskStateName, cause: string, error: TaskErrorInfo, columns: Record<string, unknown> = {}): Promise<number> {
    const { now } = this;
    const changed = await setTaskStates(this.trx, ids, guardOf(transition), targetOf(transition, to), {
      ...columns,
      end_time: now,
      update_time: now,
      error_type: error.type,
      error_message: error.message,
      error_details_json: error.detailsJson || null,
    });
    if (changed === 0) return 0;
    if (changed !== ids.length) throw new Error(`${transition} changed ${changed} of ${ids.length} tasks it holds`);
    await insertTaskEvents(this.trx, ids.map((taskId): NewTaskEvent => ({ taskId, type: 'STATE_CHANGED', state: to, eventTime: now, cause, error })));
    const methods = await methodsOf(this.trx, ids);
    this.after.observe((metrics) => ids.forEach((id) => metrics.taskSettled(to, methods.get(id) ?? '')));
    for (const taskId of ids) {
      this.after.log('info', { event: `task.${to.toLowerCase()}`, taskId, transition, cause }, `task ended ${to}`);
      this.after.taskChanged(taskId);
    }
    return changed;
  }

  /**
   * Ends every unfinished task of a consumer that is being unregistered:
   * those no agent holds CANCELED; those its agent holds FAILED with
   * OutcomeUnknown (abandon), as it can no longer connect to report.
   */
  async endAllOf(consumerId: string, cause: string): Promise<number> {
    const canceled = { type: 'Canceled', message: cause, detailsJson: '' };
    const unknown = { type: OUTCOME_UNKNOWN, message: `${cause} while its agent held the task: what the host did is unknown`, detailsJson: '' };
    const tasks = await taskStatesOfConsumer(this.trx, this.dialect, consumerId, [...guardOf('cancel'), ...guardOf('abandon')]);
    const unheld = tasks.filter((t) => guardOf('cancel').includes(t.state)).map((t) => t.id);
    const held = tasks.filter((t) => guardOf('abandon').includes(t.state)).map((t) => t.id);
    return (unheld.length ? await this.end(unheld, 'cancel', CANCELED, cause, canceled) : 0) + (held.length ? await this.end(held, 'abandon', FAILED, `${cause}: outcome unknown`, unknown) : 0);
  }

  /**
   * Rows this transaction holds (locked, or SQLite's single writer) must all
   * have changed; any other count means our view of them is wrong, so undo
   * the whole transaction rather than write events for rows that did not move.
   */
  private async expectChanged(transition: TransitionName, ids: string[], changed: number): Promise<void> {
    if (changed !== ids.length) throw new Error(`${transition} changed ${changed} of ${ids.length} tasks it holds`);
  }
}

/** create: a task not yet due, or held for a later wave, is SCHEDULED, otherwise WAITING. */
/** The cause of a dispatch's event. */
function sentCause(attempt: number): string {
  return `sent to agent (attempt ${attempt})`;
}

function withInitialState(draft: TaskDraft): NewTask {
  if (draft.held) return { ...draft, notBeforeTime: null, state: SCHEDULED };
  return { ...draft, state: draft.notBeforeTime !== null && draft.notBeforeTime > draft.createTime ? SCHEDULED : WAITING };
}

/** A task as its creating transaction committed it. */
function createdRecord(t: NewTask, handedOff: boolean): TaskRecord {
  return {
    ...t,
    state: handedOff ? DISPATCHED : t.state,
    attempt: handedOff ? 1 : 0,
    seq: 0,
    updateTime: t.createTime,
    startTime: null,
    endTime: null,
    resultJson: null,
    error: null,
    progress: null,
    cancelRequestedTime: null,
    cancelReason: null,
    cancelKind: null,
    lateOutcome: null,
    groupId: t.groupId ?? null,
    scheduleId: t.scheduleId ?? null,
    fireTime: t.fireTime ?? null,
    traceparent: t.traceparent ?? null,
    createdBy: t.createdBy ?? null,
  };
}

function unknownMethod(method: string): TaskErrorInfo {
  return { type: 'UnknownMethod', message: `the agent does not have the method ${method}`, detailsJson: '' };
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
