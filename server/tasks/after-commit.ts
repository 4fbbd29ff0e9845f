import type { Logger } from '../../common/log';
import type { ChangeNotifier } from '../notifier';
import type { RateLimitedLog } from '../rate-limited-log';
import { NO_METRICS, type Metrics } from '../metrics';

type LogLine = { level: 'info' | 'warn'; fields: { event: string } & Record<string, unknown>; message: string; limitKey?: string };

/**
 * What a lifecycle transaction owes the rest of the server once it has
 * committed: wake-ups (watchers, dispatch, the scheduler's timer, cancel
 * delivery), log lines and callbacks. Collected while the transaction runs
 * and published only after its commit, so nobody is woken for, and no log
 * line claims, a change that rolled back. A retried transaction starts a
 * fresh one.
 */
export class AfterCommit {
  private readonly changed = new Set<string>();
  private readonly groups = new Set<string>();
  private readonly work = new Set<string>();
  private readonly cancels = new Set<string>();
  private readonly dueTimes = new Set<number>();
  private readonly lines: LogLine[] = [];
  private readonly observations: Array<(metrics: Metrics) => void> = [];

  taskChanged(taskId: string): void {
    this.changed.add(taskId);
  }

  /** A rolled-out group moved. */
  groupChanged(groupId: string): void {
    this.groups.add(groupId);
  }

  /** WAITING work for this consumer may be claimable. */
  consumerHasWork(consumerId: string): void {
    this.work.add(consumerId);
  }

  /** This consumer's agent must be told to stop a task. */
  cancelRequested(consumerId: string): void {
    this.cancels.add(consumerId);
  }

  /** Something falls due at `time` (a release, an expiry): the scheduler arms a timer. */
  dueAt(time: number | null): void {
    if (time !== null) this.dueTimes.add(time);
  }

  log(level: LogLine['level'], fields: LogLine['fields'], message: string): void {
    this.lines.push({ level, fields, message });
  }

  /** A warning a misbehaving agent can cause at will: logged through a per-key budget (RateLimitedLog). */
  warnLimited(limitKey: string, fields: LogLine['fields'], message: string): void {
    this.lines.push({ level: 'warn', fields, message, limitKey });
  }

  /** A metric observation about this change, made once it committed (a rolled-back change is not counted). */
  observe(observation: (metrics: Metrics) => void): void {
    this.observations.push(observation);
  }

  publish(notifier: ChangeNotifier, logger: Logger, limited: RateLimitedLog, metrics: Metrics = NO_METRICS): void {
    for (const observation of this.observations) observation(metrics);
    for (const line of this.lines) {
      if (line.limitKey) limited.warn(line.limitKey, line.fields, line.message);
      else logger[line.level](line.fields, line.message);
    }
    for (const id of this.changed) notifier.taskChanged(id);
    for (const id of this.groups) notifier.groupChanged(id);
    for (const due of this.dueTimes) notifier.dueTimeChanged(due);
    for (const consumerId of this.work) notifier.consumerHasWork(consumerId);
    for (const consumerId of this.cancels) notifier.cancelRequested(consumerId);
  }
}
