import { InvalidArgumentError } from '../errors';
import type { TaskStateName } from './states';

/**
 * Rollouts: a group's tasks released in waves, a canary first, pausing when
 * too many of what has settled failed. The plan and the arithmetic live
 * here, free of storage; RolloutManager (rollout-manager.ts) moves groups
 * through their states.
 */

export interface RolloutPolicy {
  /** Hosts in the first wave; 0: no canary. */
  canaryCount: number;
  /** Hosts per following wave; 0: see wavePercent. */
  waveSize: number;
  /** Percent of the group per following wave, rounded up; 0 (and no waveSize): all the rest at once. */
  wavePercent: number;
  /** Pause when failed / settled reaches this percent (1-100). */
  maxFailurePercent: number;
}

export const GROUP_STATES = ['RUNNING', 'PAUSED', 'ABORTED', 'COMPLETED'] as const;
export type GroupStateName = (typeof GROUP_STATES)[number];

export const GROUP_EVENT_TYPES = ['WAVE_STARTED', 'PAUSED', 'RESUMED', 'ABORTED', 'COMPLETED'] as const;
export type GroupEventTypeName = (typeof GROUP_EVENT_TYPES)[number];

/** A rolled-out group as stored (task_groups). */
export interface TaskGroupRecord {
  id: string;
  method: string;
  state: GroupStateName;
  policy: RolloutPolicy;
  /** The wave released last (0: the first). */
  currentWave: number;
  waveCount: number;
  /** The wave at which the operator last resumed: no pause until the wave after it has settled. */
  resumedWave: number | null;
  pauseReason: string | null;
  /** The template's not_before, given to held tasks when their wave starts. */
  notBeforeTime: number | null;
  scheduleId: string | null;
  createTime: number;
  updateTime: number;
}

export interface NewGroupEvent {
  groupId: string;
  type: GroupEventTypeName;
  wave: number;
  state: GroupStateName;
  eventTime: number;
  cause: string;
}

export interface GroupEventRecord extends NewGroupEvent {
  id: number;
}

/** Ended without the change being made on the host: counted against the threshold. */
export const FAILED_STATES: readonly TaskStateName[] = ['FAILED', 'TIMED_OUT', 'EXPIRED'];
/** Canceled tasks are neither successes nor failures: an operator (or an unregistration) decided, not the host. */
export const NOT_SETTLED_STATES: readonly TaskStateName[] = ['CANCELED'];

/** Checks a policy as the API gives it (0 meaning unset); errors name `field.<name>`. */
export function validateRolloutPolicy(field: string, policy: RolloutPolicy): RolloutPolicy {
  const { canaryCount, waveSize, wavePercent } = policy;
  for (const [name, value] of [['canary_count', canaryCount], ['wave_size', waveSize], ['wave_percent', wavePercent], ['max_failure_percent', policy.maxFailurePercent]] as const) {
    if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError(`${field}.${name}`, `must be zero or a positive whole number, got ${value}`);
  }
  if (waveSize > 0 && wavePercent > 0) throw new InvalidArgumentError(`${field}.wave_size`, 'give wave_size or wave_percent, not both');
  if (wavePercent > 100) throw new InvalidArgumentError(`${field}.wave_percent`, `must be at most 100, got ${wavePercent}`);
  if (policy.maxFailurePercent > 100) throw new InvalidArgumentError(`${field}.max_failure_percent`, `must be at most 100, got ${policy.maxFailurePercent}`);
  if (canaryCount === 0 && waveSize === 0 && wavePercent === 0) throw new InvalidArgumentError(field, 'set canary_count, wave_size or wave_percent (or leave the rollout out)');
  return { canaryCount, waveSize, wavePercent, maxFailurePercent: policy.maxFailurePercent || 100 };
}

/** The size of each wave for a group of `total` hosts: the canary, then waves of the policy's size, the last one what is left. */
export function planWaves(total: number, policy: RolloutPolicy): number[] {
  const waves: number[] = [];
  let left = total;
  const canary = Math.min(policy.canaryCount, left);
  if (canary > 0) waves.push(canary);
  left -= canary;
  const size = policy.waveSize || (policy.wavePercent ? Math.max(1, Math.ceil((total * policy.wavePercent) / 100)) : left);
  while (left > 0) {
    const wave = Math.min(size, left);
    waves.push(wave);
    left -= wave;
  }
  return waves;
}

/** The wave of each of `total` hosts, in order. */
export function waveOfEach(total: number, policy: RolloutPolicy): number[] {
  return planWaves(total, policy).flatMap((size, wave) => new Array<number>(size).fill(wave));
}

/** Where the tasks of a group stand, over the waves started so far. */
export interface WaveTally {
  total: number;
  succeeded: number;
  failed: number;
  canceled: number;
  /** Tasks of waves not started yet. */
  held: number;
  /** Every task of the current wave has ended. */
  currentWaveEnded: boolean;
}

export function tally(counts: Array<{ wave: number; state: TaskStateName; count: number }>, currentWave: number, isTerminal: (s: TaskStateName) => boolean): WaveTally {
  const t: WaveTally = { total: 0, succeeded: 0, failed: 0, canceled: 0, held: 0, currentWaveEnded: true };
  for (const { wave, state, count } of counts) {
    t.total += count;
    if (wave > currentWave) {
      // A held task can end before its wave (canceled, expired): it is counted when its wave starts.
      t.held += count;
      continue;
    }
    if (wave === currentWave && !isTerminal(state)) t.currentWaveEnded = false;
    if (state === 'SUCCEEDED') t.succeeded += count;
    else if (FAILED_STATES.includes(state)) t.failed += count;
    else if (NOT_SETTLED_STATES.includes(state)) t.canceled += count;
  }
  return t;
}

/** The pause reason if the failures so far reach the threshold, else null. */
export function failureReason(t: WaveTally, policy: RolloutPolicy): string | null {
  const settled = t.succeeded + t.failed;
  if (t.failed === 0 || t.failed * 100 < policy.maxFailurePercent * settled) return null;
  return `${t.failed} of ${settled} settled tasks failed (${Math.round((t.failed * 100) / settled)}%), at or above max_failure_percent ${policy.maxFailurePercent}%`;
}
