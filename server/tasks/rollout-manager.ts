import type { Knex } from 'knex';
import type { Clock } from '../clock';
import type { Logger } from '../../common/log';
import type { ChangeNotifier } from '../notifier';
import type { Dialect } from '../store/database';
import { insertAuditEvents, type NewAuditEvent } from '../store/audit-store';
import { findGroup, groupIdsIn, insertGroup, insertGroupEvent, listGroupEventsAfter, lockGroupTasksIn, lockHeldTasks, moveGroup, setHeldNotBefore, waveStateCounts } from '../store/group-store';
import { FailedPreconditionError } from '../errors';
import { isTerminal, TASK_STATES, UNDISPATCHED_STATES } from './states';
import type { LifecycleTransaction, TaskLifecycle } from './lifecycle';
import type { TaskDraft } from './task-record';
import { failureReason, planWaves, tally, waveOfEach, type GroupEventRecord, type GroupEventTypeName, type GroupStateName, type RolloutPolicy, type TaskGroupRecord, type WaveTally } from './rollout';

/** How often every server looks for rollouts to advance that no local change woke it for (another server's settlements, a restart). */
const SWEEP_INTERVAL_MS = 1000;

export interface RolloutManagerOptions {
  db: Knex;
  dialect: Dialect;
  clock: Clock;
  notifier: ChangeNotifier;
  logger: Logger;
  lifecycle: TaskLifecycle;
  sweepIntervalMs?: number;
}

/**
 * Moves rolled-out groups through their waves. A group is created RUNNING
 * with its first wave released and every later task held (SCHEDULED, no
 * not_before_time). After any local task change, and every second (the
 * safety net for changes made elsewhere and for restarts), `sweep` looks at
 * the RUNNING groups: one whose failures reach its threshold is PAUSED; one
 * whose current wave has ended starts the next (its held tasks become
 * WAITING) or, after the last, is COMPLETED. Each move is one lifecycle
 * transaction whose UPDATE of the group row is guarded on the state and
 * wave it read, so with several servers exactly one makes it.
 */
export class RolloutManager {
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  /** Whether the last sweep found RUNNING groups: without any, a local task change need not look. */
  private active = true;
  private stopped = false;

  constructor(private readonly options: RolloutManagerOptions) {}

  start(): void {
    this.unsubscribe = this.options.notifier.onAnyTask(() => {
      if (this.active) this.wake();
    });
    this.timer = setInterval(() => this.wake(), this.options.sweepIntervalMs ?? SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Asks for a sweep: one at a time, and one more if asked while one runs. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.sweep();
        } catch (err) {
          // The next wake-up or tick tries again; a database outage is reported elsewhere.
          this.options.logger.warn({ event: 'rollout.sweep_failed', err }, 'could not advance rollouts; trying again');
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = null;
    });
  }

  /** Advances every RUNNING group as far as it can go now. */
  async sweep(): Promise<void> {
    const ids = await groupIdsIn(this.options.db, 'RUNNING');
    this.active = ids.length > 0;
    for (const id of ids) await this.advance(id);
  }

  /**
   * Gives each draft its wave; those of later waves are held. The caller
   * orders the drafts (by consumer id) and creates them with `writeGroup`.
   */
  static assignWaves(drafts: TaskDraft[], policy: RolloutPolicy): TaskDraft[] {
    const waves = waveOfEach(drafts.length, policy);
    return drafts.map((d, i) => ({ ...d, rolloutWave: waves[i], held: waves[i] > 0 }));
  }

  /** Writes a new group, RUNNING at its first wave, in the transaction that creates its tasks. */
  static async writeGroup(tx: LifecycleTransaction, group: { id: string; method: string; policy: RolloutPolicy; total: number; notBeforeTime: number | null; scheduleId: string | null }): Promise<void> {
    const waves = planWaves(group.total, group.policy);
    const record: TaskGroupRecord = { ...group, state: 'RUNNING', currentWave: 0, waveCount: waves.length, resumedWave: null, pauseReason: null, createTime: tx.now, updateTime: tx.now };
    await insertGroup(tx.trx, record);
    await RolloutManager.event(tx, record, 'WAVE_STARTED', 0, 'RUNNING', waveCause(0, waves, group.policy));
  }

  private static async event(tx: LifecycleTransaction, group: TaskGroupRecord, type: GroupEventTypeName, wave: number, state: GroupStateName, cause: string): Promise<void> {
    await insertGroupEvent(tx.trx, { groupId: group.id, type, wave, state, eventTime: tx.now, cause });
    tx.after.groupChanged(group.id);
    tx.after.log('info', { event: `task_group.${type.toLowerCase()}`, groupId: group.id, wave, state, cause }, `rollout ${type.toLowerCase().replace('_', ' ')}`);
  }

  /** One step for one group, if it has one to take; repeated while it moves (a wave whose tasks all ended early is passed at once). */
  async advance(groupId: string): Promise<void> {
    for (let step = 0; step < 1000; step++) {
      const moved = await this.options.lifecycle.transaction((tx) => this.step(tx, groupId));
      if (!moved) return;
    }
  }

  private async step(tx: LifecycleTransaction, groupId: string): Promise<boolean> {
    const group = await findGroup(tx.trx, groupId);
    if (!group || group.state !== 'RUNNING') return false;
    const t = await this.tallyOf(tx.trx, group);
    const wave = group.currentWave;
    // After a resume, the failures so far were accepted: look again only once the next wave has ended.
    const mayPause = group.resumedWave === null || (wave > group.resumedWave && t.currentWaveEnded);
    const reason = mayPause ? failureReason(t, group.policy) : null;
    if (reason) {
      if (!(await moveGroup(tx.trx, groupId, { states: ['RUNNING'], wave }, { state: 'PAUSED', pauseReason: reason, now: tx.now }))) return false;
      await RolloutManager.event(tx, group, 'PAUSED', wave, 'PAUSED', reason);
      return false;
    }
    if (!t.currentWaveEnded) return false;
    if (wave + 1 >= group.waveCount) {
      if (!(await moveGroup(tx.trx, groupId, { states: ['RUNNING'], wave }, { state: 'COMPLETED', now: tx.now }))) return false;
      await RolloutManager.event(tx, group, 'COMPLETED', wave, 'COMPLETED', `every wave ran: ${t.succeeded} succeeded, ${t.failed} failed, ${t.canceled} canceled`);
      return false;
    }
    const next = wave + 1;
    if (!(await moveGroup(tx.trx, groupId, { states: ['RUNNING'], wave }, { currentWave: next, now: tx.now }))) return false;
    const waves = planWaves(t.total, group.policy);
    await RolloutManager.event(tx, group, 'WAVE_STARTED', next, 'RUNNING', waveCause(next, waves, group.policy));
    await this.releaseWave(tx, group, next);
    return true;
  }

  /** The wave's held tasks become WAITING, or SCHEDULED at the template's not_before if that is still ahead. */
  private async releaseWave(tx: LifecycleTransaction, group: TaskGroupRecord, wave: number): Promise<void> {
    const held = await lockHeldTasks(tx.trx, this.options.dialect, group.id, wave);
    if (group.notBeforeTime !== null && group.notBeforeTime > tx.now) {
      await setHeldNotBefore(tx.trx, held.map((h) => h.id), group.notBeforeTime, tx.now);
      tx.after.dueAt(group.notBeforeTime);
      return;
    }
    await tx.release(held.map((h) => ({ ...h, notBeforeTime: null })), `rollout wave ${wave + 1} started`);
  }

  private async tallyOf(db: Knex, group: TaskGroupRecord): Promise<WaveTally> {
    return tally(await waveStateCounts(db, group.id), group.currentWave, isTerminal);
  }

  /** The group and its tally; null for a group without a rollout. */
  async get(groupId: string): Promise<{ group: TaskGroupRecord; tally: WaveTally } | null> {
    const group = await findGroup(this.options.db, groupId);
    return group ? { group, tally: await this.tallyOf(this.options.db, group) } : null;
  }

  /** PAUSED -> RUNNING; the failures so far are accepted. */
  async resume(groupId: string, audit: NewAuditEvent): Promise<void> {
    const moved = await this.options.lifecycle.transaction(async (tx) => {
      const group = await this.require(tx.trx, groupId);
      if (group.state !== 'PAUSED') return group.state;
      if (!(await moveGroup(tx.trx, groupId, { states: ['PAUSED'], wave: group.currentWave }, { state: 'RUNNING', resumedWave: group.currentWave, pauseReason: null, now: tx.now }))) return 'moved';
      await RolloutManager.event(tx, group, 'RESUMED', group.currentWave, 'RUNNING', `resumed at wave ${group.currentWave + 1} of ${group.waveCount}`);
      await insertAuditEvents(tx.trx, [audit]);
      return null;
    });
    if (moved) throw new FailedPreconditionError(`task group ${groupId} is ${moved === 'moved' ? 'changing' : moved}; only a PAUSED rollout can be resumed`);
    this.wake();
  }

  /** RUNNING or PAUSED -> ABORTED: tasks not yet started end CANCELED, held ones included; those an agent holds run on. */
  async abort(groupId: string, reason: string, audit: NewAuditEvent | null): Promise<void> {
    const refused = await this.options.lifecycle.transaction(async (tx) => {
      const group = await this.require(tx.trx, groupId);
      if (group.state !== 'RUNNING' && group.state !== 'PAUSED') return group.state;
      if (!(await moveGroup(tx.trx, groupId, { states: ['RUNNING', 'PAUSED'] }, { state: 'ABORTED', pauseReason: null, now: tx.now }))) return 'changing';
      const cause = reason ? `rollout aborted: ${reason}` : 'rollout aborted';
      await RolloutManager.event(tx, group, 'ABORTED', group.currentWave, 'ABORTED', cause);
      const unstarted = await lockGroupTasksIn(tx.trx, this.options.dialect, groupId, UNDISPATCHED_STATES);
      if (unstarted.length) await tx.end(unstarted.map((u) => u.id), 'cancel', TASK_STATES.CANCELED, cause, { type: 'Canceled', message: cause, detailsJson: '' });
      if (audit) await insertAuditEvents(tx.trx, [audit]);
      return null;
    });
    if (refused) throw new FailedPreconditionError(`task group ${groupId} is ${refused}; only a RUNNING or PAUSED rollout can be aborted`);
  }

  private async require(db: Knex, groupId: string): Promise<TaskGroupRecord> {
    const group = await findGroup(db, groupId);
    if (!group) throw new FailedPreconditionError(`task group ${groupId} has no rollout; only a rolled-out group can be resumed or aborted`);
    return group;
  }

  /** The group's events after `afterId`. */
  events(groupId: string, afterId: number): Promise<GroupEventRecord[]> {
    return listGroupEventsAfter(this.options.db, groupId, afterId);
  }
}

function waveCause(wave: number, waves: number[], policy: RolloutPolicy): string {
  return `wave ${wave + 1} of ${waves.length}${wave === 0 && policy.canaryCount > 0 ? ' (canary)' : ''}: ${waves[wave]} host${waves[wave] === 1 ? '' : 's'}`;
}
