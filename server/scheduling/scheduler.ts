import cron, { type ScheduledTask } from 'node-cron';
import type { Knex } from 'knex';
import type { Clock } from '../clock';
import type { Logger } from '../../common/log';
import type { ChangeNotifier } from '../notifier';
import type { Dialect } from '../store/database';
import { earliestTaskDeadline } from '../store/due-store';
import { advanceSchedule, dueSchedules, earliestNextFire, recordMissedFires } from '../store/schedule-store';
import type { TaskLifecycle } from '../tasks/lifecycle';
import { CronSchedule } from '../../common/cron-schedule';
import { NO_METRICS, type Metrics } from '../metrics';
import { FireRunner } from './fire-runner';
import { ScheduleManager } from './schedule-manager';
import type { ScheduleRecord } from './schedule-record';

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
  /** Runs fires for the scheduler, and for TriggerSchedule and BackfillSchedule. */
  readonly fires: FireRunner;

  constructor(private readonly options: SchedulerOptions) {
    this.fires = new FireRunner(options.lifecycle, options.clock, options.logger, options.metrics);
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
      for (const fire of missed.run) await this.fires.run(s, fire, now, { trigger: 'catch_up' });
      const next = ScheduleManager.nextFire(s.spec, cron, onTimeFrom - 1);
      const from = cursor;
      const advanced = await this.options.lifecycle.transaction(async (tx) => {
        if (!(await advanceSchedule(tx.trx, s, from, next, missed.lastMissed ?? from, missed.skipped.length))) return false;
        await recordMissedFires(tx.trx, s.id, missed.skipped.slice(-MAX_MISSED_FIRES_LISTED), now, `no server ran it within ${MISFIRE_TOLERANCE_MS / 1000} s; catch-up policy ${s.spec.catchUpPolicy.toLowerCase()}`);
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
      const result = await this.fires.run(s, cursor, now, { trigger: 'scheduled', advanceTo: next });
      // A duplicate whose cursor still stands here was taken by TriggerSchedule
      // or BackfillSchedule (they leave the cursor alone): it counts as this
      // fire, so move on. Another server's fire moved the cursor with it.
      if (result === 'moved' || (result === 'duplicate' && !(await this.passTakenFire(s, cursor, next)))) return;
      cursor = next;
    }
  }

  /** Moves the cursor past a fire time already recorded by a trigger or backfill; false if someone else moved it. */
  private async passTakenFire(s: ScheduleRecord, fireTime: number, next: number | null): Promise<boolean> {
    if (!(await advanceSchedule(this.options.db, s, fireTime, next, fireTime, 0))) return false;
    s.nextFireTime = next;
    return true;
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

