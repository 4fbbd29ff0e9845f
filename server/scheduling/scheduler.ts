import { equalitySelector } from '../consumers/selector';
import { RolloutManager } from '../tasks/rollout-manager';
import crypto from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import type { Knex } from 'knex';
import type { Clock } from '../clock';
import type { Logger } from '../../common/log';
import type { ChangeNotifier } from '../notifier';
import type { Dialect } from '../store/database';
import { isUniqueViolation } from '../store/database';
import { findConsumer, listConsumers } from '../store/consumer-store';
import { labelsInScope } from '../security/scope';
import { earliestTaskDeadline } from '../store/due-store';
import { advanceSchedule, dueSchedules, earliestNextFire, hasUnfinishedTasks, recordFire, recordMissedFires } from '../store/schedule-store';
import { toTaskDraft } from '../tasks/task-input';
import type { LifecycleTransaction, TaskLifecycle } from '../tasks/lifecycle';
import type { TaskDraft } from '../tasks/task-record';
import { CronSchedule } from '../../common/cron-schedule';
import { newTraceparent } from '../../common/trace-context';
import { NO_METRICS, secondsBetween, type Metrics } from '../metrics';
import { ScheduleManager } from './schedule-manager';
import type { FireOutcome, ScheduleRecord } from './schedule-record';

/** A fire handled later than this after its time counts as missed (every server was down). */
export const MISFIRE_TOLERANCE_MS = 60_000;
/** At most this many fires of one schedule are handled per pass; the rest follow on the next. */
const MAX_FIRES_PER_PASS = 1000;
/** Of the fires one catch-up skips, the latest this many are listed one by one (missed_fire_count counts them all). */
export const MAX_MISSED_FIRES_LISTED = 100;

export interface SchedulerOptions {
  db: Knex;
  dialect: Dialect;
  clock: Clock;
  notifier: ChangeNotifier;
  logger: Logger;
  /** Releases, expiries and the tasks of fires go through it. */
  lifecycle: TaskLifecycle;
  /** Run the node-cron ticker and precise timers (tests that move a fake clock turn this off and call tick()). */
  ticker?: boolean;
  metrics?: Metrics;
}

/**
 * Time-driven work, on every server at once, coordinated only through the
 * store: releases SCHEDULED tasks when due, expires tasks whose window
 * closed, and fires schedules.
 *
 * node-cron ticks once a second as the safety net; for promptness a precise
 * timer is armed for whatever falls due before the next tick (a task's
 * not_before, a window's end, a schedule's next fire), so a release is not
 * up to a second late.
 */
export class Scheduler {
  private ticker: ScheduledTask | null = null;
  private timer: NodeJS.Timeout | null = null;
  private timerDue: number | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: SchedulerOptions) {
    this.unsubscribe = options.notifier.onDueTimeChanged((due) => this.armFor(due));
    if (options.ticker !== false) {
      this.ticker = cron.schedule('* * * * * *', () => void this.tick(), { noOverlap: true, name: 'taskplane-scheduler' });
    }
  }

  /** One pass: expire, release, fire. Concurrent calls coalesce into one more pass. */
  tick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.pass()
      .catch((err) => this.options.logger.error({ event: 'scheduler.pass_failed', err }, 'scheduler pass failed'))
      .finally(() => {
        this.running = null;
        if (this.again && !this.stopped) {
          this.again = false;
          void this.tick();
        }
      });
    return this.running;
  }

  private async pass(): Promise<void> {
    const { db, clock, lifecycle } = this.options;
    const now = clock.now();
    await lifecycle.expireOverdue(now);
    await lifecycle.releaseDue(now);
    for (const schedule of await dueSchedules(db, now)) await this.fireSchedule(schedule, now);
    if (this.ticker || this.timer) await this.armNext();
  }

  /**
   * Handles every fire of `s` due by `now`: on-time fires run; fires missed
   * while every server was down follow the catch-up policy. Each fire that
   * runs is one transaction that records it under the key (schedule_id,
   * fire_time) and creates its tasks, so it happens exactly once however
   * many servers try (guarantee 6).
   */
  private async fireSchedule(s: ScheduleRecord, now: number): Promise<void> {
    const cron = CronSchedule.parse(s.spec.cron, s.spec.timeZone);
    const onTimeFrom = now - MISFIRE_TOLERANCE_MS;
    let cursor = s.nextFireTime;
    if (cursor !== null && cursor < onTimeFrom) {
      // Fires missed while no server ran. Those the policy runs are recorded
      // one by one (a duplicate means another server ran it: go on); then
      // one conditional update moves the cursor past them all and counts the
      // rest as missed, so only one server counts them, and in the same
      // transaction the latest of those are recorded as missed fires.
      const missed = this.missedFires(s, cron, cursor, onTimeFrom, now);
      for (const fire of missed.run) await this.runFire(s, fire, now, { advanceTo: undefined });
      const next = ScheduleManager.nextFire(s.spec, cron, onTimeFrom - 1);
      const from = cursor;
      const advanced = await this.options.lifecycle.transaction(async (tx) => {
        if (!(await advanceSchedule(tx.trx, s, from, next, missed.lastMissed ?? from, missed.skipped.length))) return false;
        await recordMissedFires(tx.trx, s.id, missed.skipped.slice(-MAX_MISSED_FIRES_LISTED), now);
        return true;
      }, now);
      if (!advanced) return;
      if (missed.skipped.length) {
        this.options.logger.warn({ event: 'schedule.missed', scheduleId: s.id, missed: missed.skipped.length, policy: s.spec.catchUpPolicy }, 'schedule fires missed while no server ran');
        (this.options.metrics ?? NO_METRICS).scheduleFiresMissed(missed.skipped.length);
      }
      cursor = next;
    }
    for (let handled = 0; cursor !== null && cursor <= now && handled < MAX_FIRES_PER_PASS; handled++) {
      const next = ScheduleManager.nextFire(s.spec, cron, cursor);
      if ((await this.runFire(s, cursor, now, { advanceTo: next })) !== 'done') return;
      cursor = next;
    }
  }

  /** Which missed fires in [from, onTimeFrom) run under the catch-up policy, and which are skipped. */
  private missedFires(s: ScheduleRecord, cron: CronSchedule, from: number, onTimeFrom: number, now: number): { run: number[]; skipped: number[]; lastMissed: number | null } {
    const all: number[] = [];
    for (let t: number | null = from; t !== null && t < onTimeFrom && all.length < 100_000; t = ScheduleManager.nextFire(s.spec, cron, t)) all.push(t);
    const lastMissed = all.length ? all[all.length - 1] : null;
    switch (s.spec.catchUpPolicy) {
      case 'LATEST':
        return { run: lastMissed === null ? [] : [lastMissed], skipped: all.slice(0, -1), lastMissed };
      case 'ALL': {
        const run = all.filter((t) => t >= now - (s.spec.catchUpWindowMs ?? 0)).slice(-MAX_FIRES_PER_PASS);
        const running = new Set(run);
        return { run, skipped: all.filter((t) => !running.has(t)), lastMissed };
      }
      default:
        return { run: [], skipped: all, lastMissed };
    }
  }

  /**
   * One fire in one transaction: recorded under its key, its tasks created
   * and, for an on-time fire, the schedule's cursor moved to `advanceTo`.
   * 'duplicate': another server handled this fire; 'moved': the schedule
   * changed meanwhile. In both cases nothing was written.
   */
  private async runFire(s: ScheduleRecord, fireTime: number, now: number, plan: { advanceTo: number | null | undefined }): Promise<'done' | 'duplicate' | 'moved'> {
    const groupId = crypto.randomUUID();
    // A fire has no caller whose trace it could join: it starts its own, one trace for all its tasks.
    const traceparent = newTraceparent();
    let created = 0;
    let outcome: FireOutcome = 'created';
    try {
      await this.options.lifecycle.transaction(async (tx) => {
        let drafts: TaskDraft[] = [];
        outcome = 'created';
        if (s.spec.overlapPolicy === 'SKIP' && (await hasUnfinishedTasks(tx.trx, s.id))) outcome = 'skipped_overlap';
        else {
          const consumers = await this.targets(tx, s);
          if (consumers.length === 0) outcome = 'empty_selection';
          drafts = consumers.map((consumerId) => this.taskFor(s, consumerId, fireTime, now, groupId, traceparent));
        }
        created = drafts.length;
        await recordFire(tx.trx, s.id, fireTime, groupId, outcome, created, now);
        const { rollout } = s.spec.target;
        if (rollout && drafts.length) {
          drafts = RolloutManager.assignWaves(drafts, rollout);
          await RolloutManager.writeGroup(tx, { id: groupId, method: s.spec.template.method, policy: rollout, total: drafts.length, notBeforeTime: fireTime, scheduleId: s.id });
        }
        await tx.create(drafts);
        if (plan.advanceTo !== undefined && !(await advanceSchedule(tx.trx, s, fireTime, plan.advanceTo, fireTime, 0))) throw new ScheduleMoved();
      }, now);
    } catch (err) {
      if (isUniqueViolation(err)) return 'duplicate';
      if (err instanceof ScheduleMoved) return 'moved';
      throw err;
    }
    if (plan.advanceTo !== undefined) s.nextFireTime = plan.advanceTo;
    // Lag only of on-time fires: a fire caught up after downtime is late by design.
    (this.options.metrics ?? NO_METRICS).scheduleFired(outcome, plan.advanceTo !== undefined ? secondsBetween(fireTime, this.options.clock.now()) : null);
    this.options.logger.info({ event: 'schedule.fired', scheduleId: s.id, fireTime: new Date(fireTime).toISOString(), groupId, outcome, tasks: created }, 'schedule fired');
    return 'done';
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

  /** The consumers a fire reaches: the target's, at fire time, within its owner's scope (those outside are left out and logged). */
  private async targets(tx: LifecycleTransaction, s: ScheduleRecord): Promise<string[]> {
    const { consumerId, selector } = s.spec.target;
    const found = consumerId ? [await findConsumer(tx.trx, consumerId)].filter((c) => c !== null) : await listConsumers(tx.trx, selector ?? equalitySelector({}), null, 1000);
    const inScope = s.ownerScope ? found.filter((c) => labelsInScope(s.ownerScope!, c.labels)) : found;
    if (inScope.length < found.length) {
      const outside = found.filter((c) => !inScope.includes(c)).map((c) => c.id);
      tx.after.log('warn', { event: 'schedule.out_of_scope', scheduleId: s.id, createdBy: s.createdBy, consumers: outside.slice(0, 20), count: outside.length }, "consumers outside the scope of the schedule's owner were left out of a fire");
    }
    return inScope.map((c) => c.id);
  }

  /** Arms the precise timer for the earliest deadline if it comes before the next tick. */
  private async armNext(): Promise<void> {
    const { db } = this.options;
    const times = [await earliestTaskDeadline(db), await earliestNextFire(db)].filter((t): t is number => t !== null);
    if (times.length) this.armFor(Math.min(...times));
  }

  /** Something falls due at `due`: make sure a pass runs then (not up to a tick later). */
  armFor(due: number): void {
    if (this.stopped || this.options.ticker === false) return;
    const delay = due - this.options.clock.now();
    if (delay > 1000) return; // the ticker will be there first
    if (this.timer && this.timerDue !== null && this.timerDue <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerDue = null;
      void this.tick();
    }, Math.max(0, delay));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    await this.ticker?.destroy();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}

class ScheduleMoved extends Error {}
