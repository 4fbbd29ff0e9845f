import type { Scope } from '../security/principal';
import type { ConsumerSelector } from '../consumers/selector';
import type { RolloutPolicy } from '../tasks/rollout';

/** A schedule as the domain sees it. Times in epoch ms; null means unset. */
export const OVERLAP_POLICIES = ['SKIP', 'ALLOW'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];
export const CATCH_UP_POLICIES = ['SKIP', 'LATEST', 'ALL'] as const;
export type CatchUpPolicy = (typeof CATCH_UP_POLICIES)[number];

export interface TaskTemplateSpec {
  method: string;
  argumentsJson: string;
  timeoutMs: number | null;
  labels: Record<string, string>;
}

/** Exactly one of consumerId and selector; a rollout only with a selector. */
export interface ScheduleTargetSpec {
  consumerId: string | null;
  selector: ConsumerSelector | null;
  /** Each fire's group is released in waves (RolloutManager). */
  rollout: RolloutPolicy | null;
}

export interface ScheduleSpec {
  cron: string;
  timeZone: string;
  template: TaskTemplateSpec;
  target: ScheduleTargetSpec;
  windowMs: number | null;
  startTime: number | null;
  endTime: number | null;
  overlapPolicy: OverlapPolicy;
  catchUpPolicy: CatchUpPolicy;
  catchUpWindowMs: number | null;
}

export interface ScheduleRecord {
  id: string;
  spec: ScheduleSpec;
  paused: boolean;
  createTime: number;
  updateTime: number;
  nextFireTime: number | null;
  lastFireTime: number | null;
  missedFireCount: number;
  /** Who last created or updated it ("tok_... (name)"); its fires' tasks carry it as created_by. */
  createdBy: string | null;
  /** That token's scope: each fire reaches only consumers it allows. null: unscoped. */
  ownerScope: Scope | null;
}

/** How a fire ended, as recorded in schedule_fires ("missed": no server ran it in time, and the catch-up policy skipped it). */
export const FIRE_OUTCOMES = ['created', 'skipped_overlap', 'empty_selection', 'missed'] as const;
export type FireOutcome = (typeof FIRE_OUTCOMES)[number];

/**
 * What made a fire happen: the scheduler on time, the scheduler catching up
 * after every server was down, TriggerSchedule, or BackfillSchedule.
 */
export const FIRE_TRIGGERS = ['scheduled', 'catch_up', 'manual', 'backfill'] as const;
export type FireTrigger = (typeof FIRE_TRIGGERS)[number];
