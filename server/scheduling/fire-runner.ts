import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from '../../common/log';
import { isUniqueViolation } from '../store/database';
import { findConsumer, listConsumers } from '../store/consumer-store';
import { equalitySelector } from '../consumers/selector';
import { RolloutManager } from '../tasks/rollout-manager';
import { labelsInScope } from '../security/scope';
import { advanceSchedule, hasUnfinishedTasks, recordFire, replaceMissedFire, type FireRecord } from '../store/schedule-store';
import { toTaskDraft } from '../tasks/task-input';
import type { LifecycleTransaction, TaskLifecycle } from '../tasks/lifecycle';
import type { TaskDraft } from '../tasks/task-record';
import { newTraceparent } from '../../common/trace-context';
import { NO_METRICS, secondsBetween, type Metrics } from '../metrics';
import type { Clock } from '../clock';
import type { FireOutcome, FireTrigger, ScheduleRecord } from './schedule-record';

export interface FirePlan {
  trigger: FireTrigger;
  /** For an on-time fire: move the schedule's cursor here in the same transaction (undefined: leave the cursor). */
  advanceTo?: number | null;
  /** More writes that belong to the fire (an audit event), in its transaction. */
  alsoWrite?: (trx: Knex.Transaction, fire: FireRecord) => Promise<void>;
}

/**
 * 'duplicate': this fire time is already recorded (another server handled
 * it, or a trigger took it); 'moved': the schedule changed meanwhile. In
 * both cases nothing was written.
 */
export type FireResult = { done: FireRecord } | 'duplicate' | 'moved';

/**
 * Runs one fire of a schedule, whoever asks (the scheduler on time or
 * catching up, TriggerSchedule, BackfillSchedule): in one transaction the
 * fire is recorded under its key (schedule_id, fire_time) with its outcome,
 * trigger, group and task count, and its tasks are created, so each fire
 * time happens exactly once however many servers try (guarantee 6).
 */
export class FireRunner {
  constructor(
    private readonly lifecycle: TaskLifecycle,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly metrics: Metrics = NO_METRICS,
  ) {}

  async run(s: ScheduleRecord, fireTime: number, now: number, plan: FirePlan): Promise<FireResult> {
    const groupId = crypto.randomUUID();
    // A fire has no caller whose trace it could join: it starts its own, one trace for all its tasks.
    const traceparent = newTraceparent();
    let fire: FireRecord | undefined;
    try {
      await this.lifecycle.transaction(async (tx) => {
        let drafts: TaskDraft[] = [];
        let outcome: FireOutcome = 'created';
        let detail = '';
        if (s.spec.overlapPolicy === 'SKIP' && (await hasUnfinishedTasks(tx.trx, s.id))) {
          outcome = 'skipped_overlap';
          detail = 'tasks of an earlier fire are unfinished (overlap policy skip)';
        } else {
          const reached = await this.targets(tx, s);
          if (reached.consumers.length === 0) outcome = 'empty_selection';
          detail = reached.why;
          drafts = reached.consumers.map((consumerId) => this.taskFor(s, consumerId, fireTime, now, groupId, traceparent));
        }
        fire = { fireTime, outcome, trigger: plan.trigger, groupId: drafts.length ? groupId : '', taskCount: drafts.length, recordTime: now, detail };
        // A backfill may run a fire the catch-up policy recorded as missed; any other recorded fire is a duplicate.
        if (!(plan.trigger === 'backfill' && (await replaceMissedFire(tx.trx, s.id, fire)))) await recordFire(tx.trx, s.id, fire);
        const { rollout } = s.spec.target;
        if (rollout && drafts.length) {
          drafts = RolloutManager.assignWaves(drafts, rollout);
          await RolloutManager.writeGroup(tx, { id: groupId, method: s.spec.template.method, policy: rollout, total: drafts.length, notBeforeTime: fireTime, scheduleId: s.id });
        }
        await tx.create(drafts);
        await plan.alsoWrite?.(tx.trx, fire);
        if (plan.advanceTo !== undefined && !(await advanceSchedule(tx.trx, s, fireTime, plan.advanceTo, fireTime, 0))) throw new ScheduleMoved();
      }, now);
    } catch (err) {
      if (isUniqueViolation(err)) return 'duplicate';
      if (err instanceof ScheduleMoved) return 'moved';
      throw err;
    }
    const done = fire!;
    if (plan.advanceTo !== undefined) s.nextFireTime = plan.advanceTo;
    // Lag only of on-time fires: a fire caught up after downtime, triggered or backfilled is late by design.
    this.metrics.scheduleFired(done.outcome, plan.trigger === 'scheduled' ? secondsBetween(fireTime, this.clock.now()) : null);
    this.logger.info(
      { event: 'schedule.fired', scheduleId: s.id, fireTime: new Date(fireTime).toISOString(), trigger: done.trigger, groupId: done.groupId, outcome: done.outcome, tasks: done.taskCount },
      'schedule fired',
    );
    return { done };
  }

  /** The task a fire creates for one consumer: its window is [fire time, fire time + window]. */
  private taskFor(s: ScheduleRecord, consumerId: string, fireTime: number, now: number, groupId: string, traceparent: string): TaskDraft {
    const t = s.spec.template;
    const valid = {
      consumerId,
      method: t.method,
      argumentsJson: t.argumentsJson,
      notBeforeTime: fireTime,
      notAfterTime: s.spec.windowMs === null ? null : fireTime + s.spec.windowMs,
      timeoutMs: t.timeoutMs,
      labels: t.labels,
      idempotencyKey: '',
      requestHash: '',
      traceparent,
    };
    return toTaskDraft(valid, now, { groupId, scheduleId: s.id, fireTime, createdBy: s.createdBy });
  }

  /**
   * The consumers a fire reaches: the target's, at fire time, within its
   * owner's scope (those outside are left out and logged); `why` says what
   * kept any out.
   */
  private async targets(tx: LifecycleTransaction, s: ScheduleRecord): Promise<{ consumers: string[]; why: string }> {
    const { consumerId, selector } = s.spec.target;
    const found = consumerId ? [await findConsumer(tx.trx, consumerId)].filter((c) => c !== null) : await listConsumers(tx.trx, selector ?? equalitySelector({}), null, 1000);
    const inScope = s.ownerScope ? found.filter((c) => labelsInScope(s.ownerScope!, c.labels)) : found;
    let why = '';
    if (found.length === 0) why = consumerId ? `consumer "${consumerId}" is not registered` : 'no consumer matches the selector';
    if (inScope.length < found.length) {
      const outside = found.filter((c) => !inScope.includes(c)).map((c) => c.id);
      why = `${outside.length} consumer(s) outside the scope of the schedule's owner left out`;
      tx.after.log('warn', { event: 'schedule.out_of_scope', scheduleId: s.id, createdBy: s.createdBy, consumers: outside.slice(0, 20), count: outside.length }, "consumers outside the scope of the schedule's owner were left out of a fire");
    }
    return { consumers: inScope.map((c) => c.id), why };
  }
}

class ScheduleMoved extends Error {}
