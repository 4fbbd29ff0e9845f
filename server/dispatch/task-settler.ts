import type { Knex } from 'knex';
import type { Clock } from '../clock';
import type { Logger } from '../../shared/log';
import type { ChangeNotifier } from '../notifier';
import type { Dialect } from '../store/database';
import { insertHistoryEvents, type NewHistoryEvent } from '../store/consumer-store';
import { Batcher, transactionWithRetry, updateRowsById } from '../store/batching';
import { insertTaskEvents, type NewTaskEvent } from '../store/task-store';
import type { MethodRegistry } from '../tasks/method-registry';
import type { TaskStateName } from '../tasks/states';
import type { TaskErrorInfo } from '../tasks/task-record';

/** What an agent reports about a task, always as the consumer its stream authenticated as. */
export type AgentReport =
  | { kind: 'accepted'; consumerId: string; taskId: string }
  | { kind: 'progress'; consumerId: string; taskId: string; percent: number; message: string; detailsJson: string }
  | { kind: 'reply'; consumerId: string; taskId: string; resultJson: string | null; error: TaskErrorInfo | null };

export type ReportOutcome =
  /** Recorded. For a reply: this reply settled the task. */
  | 'applied'
  /** Already recorded (a repeated accept or reply): acknowledged, nothing changed. */
  | 'duplicate'
  /** The task has moved on (e.g. TIMED_OUT or CANCELED before the reply): acknowledged, nothing changed. */
  | 'stale'
  | 'unknown_task'
  /** The task belongs to another consumer: refused, nothing changed (guarantee 4). */
  | 'foreign_task';

export interface TaskSettlerOptions {
  db: Knex;
  dialect: Dialect;
  clock: Clock;
  notifier: ChangeNotifier;
  methods: MethodRegistry;
  logger: Logger;
  maxBatch?: number;
  /** How long a group waits for company when the settler is idle (default 2 ms). */
  lingerMs?: number;
}

const IN_FLIGHT: readonly TaskStateName[] = ['DISPATCHED', 'RUNNING'];

interface LockedTask {
  id: string;
  consumerId: string;
  state: TaskStateName;
  method: string;
  argumentsJson: string;
  cancelRequested: boolean;
}

/**
 * The reply listener of the seed, made durable and fast. Agent reports are
 * group-committed (Batcher: at most maxBatch per group) and each
 * group is applied in ONE transaction: the tasks are read (FOR UPDATE on
 * MySQL), every report is checked against the task's owner and state, then
 * all changes go out as one multi-row UPDATE plus multi-row INSERTs of task
 * events and history.
 *
 * Guarantee 2 (exactly-once settlement) is kept here: a reply settles only a
 * task still in flight, under the row lock, and the success hook's history
 * rows are written in that same transaction, so a duplicate reply finds the
 * task settled and writes nothing (the unique key on consumer_history
 * (task_id, type) backs this up in the store). Guarantee 4 (isolation): a
 * report for another consumer's task changes nothing.
 */
export class TaskSettler {
  private readonly batcher: Batcher<AgentReport, ReportOutcome>;

  constructor(private readonly options: TaskSettlerOptions) {
    // A short linger lets an agent's "accepted" and the reply of a quick
    // task, which arrive a journal fsync apart, settle in one transaction.
    this.batcher = new Batcher((reports) => this.apply(reports), options.maxBatch ?? 256, 1, options.lingerMs ?? 2);
  }

  report(report: AgentReport): Promise<ReportOutcome> {
    return this.batcher.submit(report);
  }

  /** Waits until every report submitted so far is committed (graceful shutdown). */
  drain(): Promise<void> {
    return this.batcher.drain();
  }

  private async apply(reports: AgentReport[]): Promise<ReportOutcome[]> {
    const { db, dialect, clock, notifier, logger } = this.options;
    const now = clock.now();
    const result = await transactionWithRetry(db, async (trx) => {
      const tasks = await this.lockTasks(trx, dialect, [...new Set(reports.map((r) => r.taskId))]);
      const changes = new Map<string, Record<string, unknown>>();
      const events: NewTaskEvent[] = [];
      const history: NewHistoryEvent[] = [];
      const outcomes = reports.map((report) => {
        const task = tasks.get(report.taskId);
        if (!task) return 'unknown_task' as const;
        if (task.consumerId !== report.consumerId) return 'foreign_task' as const;
        const change = changes.get(task.id) ?? {};
        const outcome = this.applyOne(task, report, now, change, events, history);
        if (outcome === 'applied') changes.set(task.id, change);
        return outcome;
      });
      if (changes.size > 0) {
        const updated = await updateRowsById(trx, 'tasks', changes);
        // The rows are locked (or SQLite's single writer holds them): any
        // other count means our view is wrong, so undo everything.
        if (updated !== changes.size) throw new Error(`settlement updated ${updated} of ${changes.size} tasks`);
      }
      await insertTaskEvents(trx, events);
      await insertHistoryEvents(trx, history);
      const finalStates = new Map([...changes].map(([id, c]) => [id, c.state as string | undefined]));
      return { outcomes, changed: [...changes.keys()], finalStates };
    });
    for (const id of result.changed) notifier.taskChanged(id);
    result.outcomes.forEach((outcome, i) => {
      const r = reports[i];
      if (outcome === 'foreign_task') {
        logger.warn({ event: 'agent.foreign_report', kind: r.kind, taskId: r.taskId, consumerId: r.consumerId }, 'refused a report for a task of another consumer');
      } else if (outcome === 'unknown_task') {
        logger.warn({ event: 'agent.unknown_task', kind: r.kind, taskId: r.taskId, consumerId: r.consumerId }, 'report for an unknown task');
      } else if (outcome === 'applied' && r.kind === 'reply') {
        logger.info({ event: 'task.settled', taskId: r.taskId, consumerId: r.consumerId, state: result.finalStates.get(r.taskId), errorType: r.error?.type }, 'task settled');
      }
    });
    return result.outcomes;
  }

  private async lockTasks(trx: Knex.Transaction, dialect: Dialect, ids: string[]): Promise<Map<string, LockedTask>> {
    const q = trx('tasks').select('id', 'consumer_id', 'state', 'method', 'arguments_json', 'cancel_requested_time').whereIn('id', ids);
    if (dialect === 'mysql') q.forUpdate();
    const map = new Map<string, LockedTask>();
    for (const r of await q) {
      map.set(r.id, { id: r.id, consumerId: r.consumer_id, state: r.state, method: r.method, argumentsJson: r.arguments_json, cancelRequested: r.cancel_requested_time != null });
    }
    return map;
  }

  /** Applies one report to the in-memory task and the pending change; mutates both. */
  private applyOne(task: LockedTask, report: AgentReport, now: number, change: Record<string, unknown>, events: NewTaskEvent[], history: NewHistoryEvent[]): ReportOutcome {
    switch (report.kind) {
      case 'accepted':
        if (task.state === 'RUNNING') return 'duplicate';
        if (task.state !== 'DISPATCHED') return 'stale';
        task.state = 'RUNNING';
        Object.assign(change, { state: 'RUNNING', start_time: now, update_time: now });
        events.push({ taskId: task.id, type: 'STATE_CHANGED', state: 'RUNNING', eventTime: now, cause: 'accepted by agent' });
        return 'applied';
      case 'progress':
        if (!IN_FLIGHT.includes(task.state)) return 'stale';
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
        if (!IN_FLIGHT.includes(task.state)) return 'duplicate';
        const to = tasksStateAfter(report, task.cancelRequested);
        task.state = to;
        Object.assign(change, { state: to, end_time: now, update_time: now });
        if (to === 'SUCCEEDED') {
          change.result_json = report.resultJson ?? 'null';
          const hook = this.options.methods.get(task.method)?.onSuccess;
          if (hook) {
            history.push(
              ...hook({ id: task.id, consumerId: task.consumerId, method: task.method, arguments: JSON.parse(task.argumentsJson), result: safeParse(report.resultJson), settleTime: now }),
            );
          }
        } else {
          Object.assign(change, { error_type: report.error!.type, error_message: report.error!.message, error_details_json: report.error!.detailsJson || null });
        }
        events.push({
          taskId: task.id,
          type: 'STATE_CHANGED',
          state: to,
          eventTime: now,
          cause: to === 'SUCCEEDED' ? 'agent replied with a result' : to === 'CANCELED' ? 'agent confirmed the cancellation' : 'agent replied with an error',
          error: report.error,
        });
        return 'applied';
      }
    }
  }
}

function tasksStateAfter(reply: Extract<AgentReport, { kind: 'reply' }>, cancelRequested: boolean): TaskStateName {
  if (!reply.error) return 'SUCCEEDED';
  return reply.error.type === 'Canceled' && cancelRequested ? 'CANCELED' : 'FAILED';
}

function safeParse(json: string | null): unknown {
  if (json === null) return null;
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}
