import type { Logger } from '../../common/log';
import { isDatabaseUnavailable, type Dialect } from '../store/database';
import { Batcher, updateRowsById } from '../store/batching';
import { insertHistoryEvents, type NewHistoryEvent } from '../store/consumer-store';
import { insertTaskEvents, lateOutcomeToJson, lockTasksForSettlement, type NewTaskEvent } from '../store/task-store';
import { fitJson } from './bounded-json';
import type { LifecycleTransaction } from './lifecycle';
import type { MethodRegistry } from './method-registry';
import { guardOf, TASK_STATES, targetOf, type TaskStateName } from './states';
import { OUTCOME_UNKNOWN, type StopKind, type TaskErrorInfo } from './task-record';
import { dueTime, secondsBetween, type Metrics } from '../metrics';

const { RUNNING, SUCCEEDED, FAILED, CANCELED, TIMED_OUT } = TASK_STATES;

/** What an agent reports about a task, always as the consumer its stream authenticated as. */
export type AgentReport =
  | { kind: 'accepted'; consumerId: string; taskId: string }
  | { kind: 'progress'; consumerId: string; taskId: string; percent: number; message: string; detailsJson: string }
  | { kind: 'reply'; consumerId: string; taskId: string; resultJson: string | null; error: TaskErrorInfo | null };

export type ReportOutcome =
  /** Recorded. For a reply: this reply settled the task. */
  | 'applied'
  /** A reply for a task that had ended without it (OutcomeUnknown): recorded as its late outcome. */
  | 'late'
  /** Already recorded (a repeated accept or reply): acknowledged, nothing changed. */
  | 'duplicate'
  /** The task has moved on (e.g. an accept or progress after it ended): nothing changed. */
  | 'stale'
  | 'unknown_task'
  /** The task belongs to another consumer: refused, nothing changed (guarantee 4). */
  | 'foreign_task'
  /** An accept or progress the store refused even alone: dropped, and logged. */
  | 'unrecordable';

/**
 * What a success hook may write to one history row. consumer_history's
 * details are TEXT (64 KiB on MySQL); a hook's details are fitted below
 * that (fitJson) rather than failing the settlement.
 */
export const MAX_HISTORY_DETAILS_BYTES = 60 * 1024;

/** How a reply is recorded when the store refuses it even alone (never expected: the edge enforces every limit first). */
const UNRECORDABLE: TaskErrorInfo = { type: 'ReplyUnrecordable', message: "the server could not record the agent's reply; the server log has the reason", detailsJson: '' };

export interface SettlementOptions {
  logger: Logger;
  metrics: Metrics;
  dialect: Dialect;
  methods: MethodRegistry;
  maxBatch: number;
  lingerMs: number;
  /** The lifecycle's transaction runner (retry on deadlock, wake-ups after commit). */
  transaction: <T>(work: (tx: LifecycleTransaction) => Promise<T>) => Promise<T>;
}

interface HeldTask {
  id: string;
  consumerId: string;
  state: TaskStateName;
  method: string;
  argumentsJson: string;
  /** Why its agent was asked to stop it, if it was. */
  stopKind: StopKind | null;
  /** Ended without its agent's reply, and no late outcome recorded yet. */
  awaitsLateOutcome: boolean;
  timeoutMs: number | null;
  createTime: number;
  notBeforeTime: number | null;
  startTime: number | null;
}

/**
 * accept, progress and settle: the reply listener of the seed, made
 * durable and fast. Reports are group-committed (Batcher: at most maxBatch
 * per group) and each group is applied in ONE transaction: the tasks are
 * locked, every report is checked against the task's owner and state, then
 * all changes go out as one multi-row UPDATE (guarded by the transitions'
 * states) plus multi-row INSERTs of task events and history.
 *
 * Guarantee 2 (exactly-once settlement) is kept here: a reply settles only a
 * task still in flight, under the row lock, and the success hook's history
 * rows are written in that same transaction, so a duplicate reply finds the
 * task settled and writes nothing (the unique key on consumer_history
 * (task_id, type) backs this up in the store). Guarantee 4 (isolation): a
 * report for another consumer's task changes nothing.
 *
 * The agent's reply is the truth about the host: a reply for a task that
 * ended without one (abandoned: FAILED, OutcomeUnknown) is not dropped but
 * recorded once as its late outcome (lateOutcome), with the history a
 * success writes, while the state stays.
 */
export class Settlement {
  private readonly batcher: Batcher<AgentReport, ReportOutcome>;

  constructor(private readonly options: SettlementOptions) {
    // A short linger lets an agent's "accepted" and the reply of a quick
    // task, which arrive a journal fsync apart, settle in one transaction.
    this.batcher = new Batcher((reports) => this.settleGroup(reports), options.maxBatch, 1, options.lingerMs);
  }

  report(report: AgentReport): Promise<ReportOutcome> {
    return this.batcher.submit(report);
  }

  /** Waits until every report submitted so far is committed. */
  drain(): Promise<void> {
    return this.batcher.drain();
  }

  /** One group of reports, timed. */
  private async settleGroup(reports: AgentReport[]): Promise<ReportOutcome[]> {
    const started = performance.now();
    const outcomes = await this.settle(reports);
    this.options.metrics.settlementBatch(reports.length, (performance.now() - started) / 1000);
    return outcomes;
  }

  /**
   * One transaction for the whole group. If the store refuses it for any
   * reason but being unreachable, the group is halved and each half tried
   * again, down to the one report it refuses, so that report costs only its
   * own task: one bad report never fails the others, nor disconnects their
   * agents. (An unreachable database fails everything; the agents' replies
   * stay in their outboxes and come again.)
   */
  private async settle(reports: AgentReport[]): Promise<ReportOutcome[]> {
    try {
      return await this.options.transaction((tx) => this.apply(tx, reports));
    } catch (err) {
      if (isDatabaseUnavailable(err)) throw err;
      if (reports.length > 1) {
        const half = Math.ceil(reports.length / 2);
        return [...(await this.settle(reports.slice(0, half))), ...(await this.settle(reports.slice(half)))];
      }
      return [await this.unrecordable(reports[0], err)];
    }
  }

  /** A report the store refused alone: a reply settles its task FAILED (ReplyUnrecordable) so the agent stops resending it; anything else is dropped. */
  private async unrecordable(report: AgentReport, err: unknown): Promise<ReportOutcome> {
    this.options.logger.error({ event: 'agent.report_unrecordable', err, kind: report.kind, taskId: report.taskId, consumerId: report.consumerId }, 'the store refused an agent report');
    if (report.kind !== 'reply') return 'unrecordable';
    const [outcome] = await this.options.transaction((tx) => this.apply(tx, [{ ...report, resultJson: null, error: UNRECORDABLE }]));
    return outcome;
  }

  private async apply(tx: LifecycleTransaction, reports: AgentReport[]): Promise<ReportOutcome[]> {
    const tasks = await this.lockTasks(tx, [...new Set(reports.map((r) => r.taskId))]);
    const changes = new Map<string, Record<string, unknown>>();
    const lateChanges = new Map<string, Record<string, unknown>>();
    const events: NewTaskEvent[] = [];
    const history: NewHistoryEvent[] = [];
    const outcomes = reports.map((report) => {
      const task = tasks.get(report.taskId);
      if (!task) return 'unknown_task' as const;
      if (task.consumerId !== report.consumerId) return 'foreign_task' as const;
      if (report.kind === 'reply' && task.awaitsLateOutcome) {
        lateChanges.set(task.id, this.lateOutcome(task, report, tx.now, events, history));
        return 'late' as const;
      }
      const change = changes.get(task.id) ?? {};
      const outcome = this.applyOne(task, report, tx.now, change, events, history);
      if (outcome === 'applied') changes.set(task.id, change);
      return outcome;
    });
    // The rows are locked: any other count than all means our view is wrong, so undo everything.
    if (changes.size > 0) {
      // accept, progress and settle all leave only in-flight states: that union guards the one UPDATE.
      const inFlight = [...new Set([...guardOf('accept'), ...guardOf('progress'), ...guardOf('settle')])];
      const updated = await updateRowsById(tx.trx, 'tasks', changes, inFlight);
      if (updated !== changes.size) throw new Error(`settlement updated ${updated} of ${changes.size} tasks`);
    }
    if (lateChanges.size > 0) {
      const updated = await updateRowsById(tx.trx, 'tasks', lateChanges, guardOf('lateOutcome'));
      if (updated !== lateChanges.size) throw new Error(`settlement recorded ${updated} of ${lateChanges.size} late outcomes`);
    }
    await insertTaskEvents(tx.trx, events);
    await insertHistoryEvents(tx.trx, history);

    for (const id of [...changes.keys(), ...lateChanges.keys()]) tx.after.taskChanged(id);
    outcomes.forEach((outcome, i) => {
      const r = reports[i];
      if (outcome === 'foreign_task') {
        const owner = tasks.get(r.taskId)!.consumerId;
        tx.after.warnLimited(`${r.consumerId}:foreign`, { event: 'agent.foreign_report', kind: r.kind, taskId: r.taskId, consumerId: r.consumerId, ownerConsumerId: owner }, 'refused a report for a task of another consumer');
      } else if (outcome === 'unknown_task') {
        tx.after.warnLimited(`${r.consumerId}:unknown`, { event: 'agent.unknown_task', kind: r.kind, taskId: r.taskId, consumerId: r.consumerId }, 'report for an unknown task');
      } else if (outcome === 'applied' && r.kind === 'reply') {
        const task = tasks.get(r.taskId)!;
        tx.after.log('info', { event: 'task.settled', taskId: r.taskId, consumerId: r.consumerId, state: task.state, errorType: r.error?.type }, 'task settled');
        tx.after.observe((metrics) => {
          metrics.taskSettled(task.state, task.method);
          if (task.startTime !== null) metrics.taskStage('running_to_settled', secondsBetween(task.startTime, tx.now));
          metrics.taskStage('create_to_settled', secondsBetween(dueTime(task), tx.now));
        });
      } else if (outcome === 'late' && r.kind === 'reply') {
        tx.after.log('warn', { event: 'task.late_outcome', taskId: r.taskId, consumerId: r.consumerId, state: tasks.get(r.taskId)!.state, ok: r.error === null, errorType: r.error?.type }, 'the agent reported the outcome of a task that had already ended; recorded as its late outcome');
      }
    });
    return outcomes;
  }

  private async lockTasks(tx: LifecycleTransaction, ids: string[]): Promise<Map<string, HeldTask>> {
    const map = new Map<string, HeldTask>();
    for (const r of await lockTasksForSettlement(tx.trx, this.options.dialect, ids)) {
      map.set(r.id, {
        id: r.id,
        consumerId: r.consumer_id,
        state: r.state,
        method: r.method,
        argumentsJson: r.arguments_json,
        // A request written before cancel_kind existed came from CancelTask.
        stopKind: r.cancel_requested_time != null ? (r.cancel_kind ?? 'cancel') : null,
        timeoutMs: r.timeout_ms == null ? null : Number(r.timeout_ms),
        awaitsLateOutcome: guardOf('lateOutcome').includes(r.state) && r.error_type === OUTCOME_UNKNOWN && !Number(r.has_late_outcome),
        createTime: Number(r.create_time),
        notBeforeTime: r.not_before_time == null ? null : Number(r.not_before_time),
        startTime: r.start_time == null ? null : Number(r.start_time),
      });
    }
    return map;
  }

  /** Applies one report to the in-memory task and the pending change; mutates both. */
  private applyOne(task: HeldTask, report: AgentReport, now: number, change: Record<string, unknown>, events: NewTaskEvent[], history: NewHistoryEvent[]): ReportOutcome {
    switch (report.kind) {
      case 'accepted':
        if (task.state === RUNNING) return 'duplicate';
        if (!guardOf('accept').includes(task.state)) return 'stale';
        task.state = targetOf('accept', RUNNING);
        task.startTime = now;
        Object.assign(change, { state: task.state, start_time: now, update_time: now, run_deadline_time: task.timeoutMs === null ? null : now + task.timeoutMs });
        events.push({ taskId: task.id, type: 'STATE_CHANGED', state: task.state, eventTime: now, cause: 'accepted by agent' });
        return 'applied';
      case 'progress':
        if (!guardOf('progress').includes(task.state)) return 'stale';
        Object.assign(change, {
          progress_percent: report.percent,
          progress_message: report.message,
          progress_details_json: report.detailsJson || null,
          progress_time: now,
          update_time: now,
        });
        events.push({ taskId: task.id, type: 'PROGRESS', state: task.state, eventTime: now, cause: 'progress', progress: { percent: report.percent, message: report.message, detailsJson: report.detailsJson } });
        return 'applied';
      case 'reply': {
        if (!guardOf('settle').includes(task.state)) return 'duplicate';
        const to = targetOf('settle', stateAfterReply(report, task.stopKind));
        task.state = to;
        Object.assign(change, { state: to, end_time: now, update_time: now });
        const error = to === TIMED_OUT ? timedOutError(report.error!) : report.error;
        if (to === SUCCEEDED) {
          change.result_json = report.resultJson ?? 'null';
          history.push(...this.history(task, report.resultJson, now, false));
        } else {
          Object.assign(change, { error_type: error!.type, error_message: error!.message, error_details_json: error!.detailsJson || null });
        }
        const cause =
          to === SUCCEEDED ? 'agent replied with a result' : to === CANCELED ? 'agent confirmed the cancellation' : to === TIMED_OUT ? 'agent stopped the task: its timeout passed' : 'agent replied with an error';
        events.push({ taskId: task.id, type: 'STATE_CHANGED', state: to, eventTime: now, cause, error });
        return 'applied';
      }
    }
  }

  /** lateOutcome: the change, event and history of a reply for a task that ended without it. */
  private lateOutcome(task: HeldTask, report: Extract<AgentReport, { kind: 'reply' }>, now: number, events: NewTaskEvent[], history: NewHistoryEvent[]): Record<string, unknown> {
    task.awaitsLateOutcome = false;
    const ok = report.error === null;
    if (ok) history.push(...this.history(task, report.resultJson, now, true));
    const cause = ok ? 'late outcome: the agent reports the task succeeded' : `late outcome: the agent reports ${report.error!.type}`;
    events.push({ taskId: task.id, type: 'LATE_OUTCOME', state: task.state, eventTime: now, cause, error: report.error });
    return { late_outcome_json: lateOutcomeToJson({ reportTime: now, resultJson: ok ? (report.resultJson ?? 'null') : null, error: report.error }), update_time: now };
  }

  /** The method's success hook: the history of what the agent did, on time or late. */
  private history(task: HeldTask, resultJson: string | null, now: number, late: boolean): NewHistoryEvent[] {
    const hook = this.options.methods.get(task.method)?.onSuccess;
    if (!hook) return [];
    const rows = hook({ id: task.id, consumerId: task.consumerId, method: task.method, arguments: JSON.parse(task.argumentsJson), result: parseResult(resultJson), settleTime: now, late });
    return rows.map((row) => ({ ...row, detailsJson: fitJson(row.detailsJson, MAX_HISTORY_DETAILS_BYTES) }));
  }
}

/**
 * The state a reply settles a held task in: a result SUCCEEDED, whatever
 * was asked; "Canceled" after a stop request CANCELED or TIMED_OUT by what
 * asked; "TimedOut" TIMED_OUT; any other error FAILED.
 */
function stateAfterReply(reply: Extract<AgentReport, { kind: 'reply' }>, stopKind: StopKind | null): TaskStateName {
  if (!reply.error) return SUCCEEDED;
  if (reply.error.type === 'TimedOut') return TIMED_OUT;
  if (reply.error.type === 'Canceled' && stopKind) return stopKind === 'timeout' ? TIMED_OUT : CANCELED;
  return FAILED;
}

/** A TIMED_OUT task's error: the server's type, with what the agent said. */
function timedOutError(agentError: TaskErrorInfo): TaskErrorInfo {
  return { type: 'TimedOut', message: `the task ran longer than its timeout; its agent stopped it (${agentError.type}: ${agentError.message})`, detailsJson: agentError.detailsJson };
}

/** The result as JSON for the success hook; a result that is not JSON is handed over as its text. */
function parseResult(json: string | null): unknown {
  if (json === null) return null;
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}
