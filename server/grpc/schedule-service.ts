import { InvalidArgumentError } from '../errors';
import type { ScheduleManager } from '../scheduling/schedule-manager';
import { FIRE_OUTCOMES, type CatchUpPolicy, type FireOutcome, type OverlapPolicy, type ScheduleRecord, type ScheduleSpec } from '../scheduling/schedule-record';
import type { FireRecord } from '../store/schedule-store';
import { pageSize, requireConsumerId } from '../validation';
import { formatTerm, parseConsumerSelector } from '../consumers/selector';
import { durationToMs, rolloutFromProto, scheduledFireToProto, timestampToMs } from './convert';
import { msToDuration, msToTimestamp } from '../../common/proto-time';
import type { GuardedService } from './auth';
import type { ScheduleServiceHandlers } from '../../protos/generated/taskplane/v1/ScheduleService';
import type { ScheduleSpec__Output } from '../../protos/generated/taskplane/v1/ScheduleSpec';
import type { CreateScheduleRequest__Output } from '../../protos/generated/taskplane/v1/CreateScheduleRequest';
import type { GetScheduleRequest__Output } from '../../protos/generated/taskplane/v1/GetScheduleRequest';
import type { ListSchedulesRequest__Output } from '../../protos/generated/taskplane/v1/ListSchedulesRequest';
import type { UpdateScheduleRequest__Output } from '../../protos/generated/taskplane/v1/UpdateScheduleRequest';
import type { PauseScheduleRequest__Output } from '../../protos/generated/taskplane/v1/PauseScheduleRequest';
import type { ResumeScheduleRequest__Output } from '../../protos/generated/taskplane/v1/ResumeScheduleRequest';
import type { DeleteScheduleRequest__Output } from '../../protos/generated/taskplane/v1/DeleteScheduleRequest';
import type { PreviewScheduleRequest__Output } from '../../protos/generated/taskplane/v1/PreviewScheduleRequest';
import type { Schedule } from '../../protos/generated/taskplane/v1/Schedule';
import type { ScheduleFire } from '../../protos/generated/taskplane/v1/ScheduleFire';
import type { ListScheduleFiresRequest__Output } from '../../protos/generated/taskplane/v1/ListScheduleFiresRequest';
import type { TriggerScheduleRequest__Output } from '../../protos/generated/taskplane/v1/TriggerScheduleRequest';
import type { BackfillScheduleRequest__Output } from '../../protos/generated/taskplane/v1/BackfillScheduleRequest';

/** ScheduleService: translates messages and statuses; the logic is ScheduleManager's. Every handler is guarded (auth.ts). */
export function scheduleServiceHandlers(schedules: ScheduleManager, edge: GuardedService): ScheduleServiceHandlers {
  return {
    CreateSchedule: edge.unary('CreateSchedule', async (req: CreateScheduleRequest__Output, caller) => ({ schedule: scheduleToProto(await schedules.create(specFromProto(req.spec), req.paused, caller)) })),
    GetSchedule: edge.unary('GetSchedule', async (req: GetScheduleRequest__Output) => ({ schedule: scheduleToProto(await schedules.get(req.scheduleId)) })),
    ListSchedules: edge.unary('ListSchedules', async (req: ListSchedulesRequest__Output) => {
      const page = await schedules.list(pageSize('page_size', req.pageSize), req.pageToken);
      return { schedules: page.schedules.map(scheduleToProto), nextPageToken: page.nextPageToken };
    }),
    UpdateSchedule: edge.unary('UpdateSchedule', async (req: UpdateScheduleRequest__Output, caller) => {
      if (!req.scheduleId) throw new InvalidArgumentError('schedule_id', 'is required');
      return { schedule: scheduleToProto(await schedules.update(req.scheduleId, specFromProto(req.spec), caller)) };
    }),
    PauseSchedule: edge.unary('PauseSchedule', async (req: PauseScheduleRequest__Output, caller) => ({ schedule: scheduleToProto(await schedules.setPaused(req.scheduleId, true, caller)) })),
    ResumeSchedule: edge.unary('ResumeSchedule', async (req: ResumeScheduleRequest__Output, caller) => ({ schedule: scheduleToProto(await schedules.setPaused(req.scheduleId, false, caller)) })),
    DeleteSchedule: edge.unary('DeleteSchedule', async (req: DeleteScheduleRequest__Output, caller) => {
      await schedules.delete(req.scheduleId, caller);
      return {};
    }),
    ListScheduleFires: edge.unary('ListScheduleFires', async (req: ListScheduleFiresRequest__Output) => {
      const page = await schedules.listFires(req.scheduleId, outcomeFromProto(String(req.outcome)), pageSize('page_size', req.pageSize), req.pageToken);
      return { fires: page.fires.map(fireToProto), nextPageToken: page.nextPageToken };
    }),
    TriggerSchedule: edge.unary('TriggerSchedule', async (req: TriggerScheduleRequest__Output, caller) => ({ fire: fireToProto(await schedules.trigger(req.scheduleId, caller)) })),
    BackfillSchedule: edge.unary('BackfillSchedule', async (req: BackfillScheduleRequest__Output, caller) => {
      const from = timestampToMs('from_time', req.fromTime);
      const to = timestampToMs('to_time', req.toTime);
      const result = await schedules.backfill(req.scheduleId, from, to, caller);
      return { fires: result.fires.map(fireToProto), alreadyRecordedCount: result.alreadyRecorded };
    }),
    PreviewSchedule: edge.unary('PreviewSchedule', async (req: PreviewScheduleRequest__Output) => {
      if (Boolean(req.scheduleId) === Boolean(req.spec)) throw new InvalidArgumentError('schedule_id', 'set exactly one of schedule_id and spec');
      const source = req.scheduleId ? { scheduleId: req.scheduleId } : { spec: specFromProto(req.spec) };
      const preview = await schedules.preview(source, req.count, timestampToMs('after_time', req.afterTime));
      return {
        timeZone: preview.timeZone,
        fires: preview.fires.map(scheduledFireToProto),
      };
    }),
  };
}

const OVERLAP: Record<string, OverlapPolicy> = {
  SCHEDULE_OVERLAP_POLICY_UNSPECIFIED: 'SKIP',
  SCHEDULE_OVERLAP_POLICY_SKIP: 'SKIP',
  SCHEDULE_OVERLAP_POLICY_ALLOW: 'ALLOW',
};
const CATCH_UP: Record<string, CatchUpPolicy> = {
  SCHEDULE_CATCH_UP_POLICY_UNSPECIFIED: 'SKIP',
  SCHEDULE_CATCH_UP_POLICY_SKIP: 'SKIP',
  SCHEDULE_CATCH_UP_POLICY_LATEST: 'LATEST',
  SCHEDULE_CATCH_UP_POLICY_ALL: 'ALL',
};

const OUTCOME_PREFIX = 'SCHEDULE_FIRE_OUTCOME_';

/** The outcome filter: unspecified means all. */
function outcomeFromProto(value: string): FireOutcome | null {
  if (value === `${OUTCOME_PREFIX}UNSPECIFIED` || value === '0') return null;
  const outcome = FIRE_OUTCOMES.find((o) => `${OUTCOME_PREFIX}${o.toUpperCase()}` === value);
  if (!outcome) throw new InvalidArgumentError('outcome', `${JSON.stringify(value)} is not a known outcome`);
  return outcome;
}

function fireToProto(f: FireRecord): ScheduleFire {
  return {
    fireTime: msToTimestamp(f.fireTime),
    outcome: `${OUTCOME_PREFIX}${f.outcome.toUpperCase()}` as never,
    trigger: `SCHEDULE_FIRE_TRIGGER_${f.trigger.toUpperCase()}` as never,
    groupId: f.groupId,
    taskCount: f.taskCount,
    recordTime: msToTimestamp(f.recordTime),
    detail: f.detail,
  };
}

function specFromProto(spec: ScheduleSpec__Output | null): ScheduleSpec {
  if (!spec) throw new InvalidArgumentError('spec', 'is required');
  const template = spec.taskTemplate;
  if (!template) throw new InvalidArgumentError('spec.task_template', 'is required');
  const target = spec.target;
  if (!target) throw new InvalidArgumentError('spec.target', 'is required: consumer_id or consumer_selector');
  const overlapPolicy = OVERLAP[String(spec.overlapPolicy)];
  if (!overlapPolicy) throw new InvalidArgumentError('spec.overlap_policy', `${JSON.stringify(spec.overlapPolicy)} is not a known policy`);
  const catchUpPolicy = CATCH_UP[String(spec.catchUpPolicy)];
  if (!catchUpPolicy) throw new InvalidArgumentError('spec.catch_up_policy', `${JSON.stringify(spec.catchUpPolicy)} is not a known policy`);
  return {
    cron: spec.cron,
    timeZone: spec.timeZone,
    template: {
      method: template.method,
      argumentsJson: template.argumentsJson,
      timeoutMs: durationToMs('spec.task_template.timeout_duration', template.timeoutDuration),
      labels: template.labels,
    },
    target: {
      consumerId: target.consumerId ? requireConsumerId('spec.target.consumer_id', target.consumerId) : null,
      selector: target.consumerSelector.length || target.consumerIdPattern ? parseConsumerSelector('spec.target.consumer_selector', target.consumerSelector, 'spec.target.consumer_id_pattern', target.consumerIdPattern) : null,
      rollout: rolloutFromProto(target.rollout),
    },
    windowMs: durationToMs('spec.window_duration', spec.windowDuration),
    startTime: timestampToMs('spec.start_time', spec.startTime),
    endTime: timestampToMs('spec.end_time', spec.endTime),
    overlapPolicy,
    catchUpPolicy,
    catchUpWindowMs: durationToMs('spec.catch_up_window_duration', spec.catchUpWindowDuration),
  };
}

function scheduleToProto(s: ScheduleRecord): Schedule {
  const { spec } = s;
  return {
    id: s.id,
    spec: {
      cron: spec.cron,
      timeZone: spec.timeZone,
      taskTemplate: { method: spec.template.method, argumentsJson: spec.template.argumentsJson, timeoutDuration: msToDuration(spec.template.timeoutMs), labels: spec.template.labels },
      target: { consumerId: spec.target.consumerId ?? '', consumerSelector: (spec.target.selector?.terms ?? []).map(formatTerm), consumerIdPattern: spec.target.selector?.idPattern ?? '', rollout: spec.target.rollout },
      windowDuration: msToDuration(spec.windowMs),
      startTime: msToTimestamp(spec.startTime),
      endTime: msToTimestamp(spec.endTime),
      overlapPolicy: `SCHEDULE_OVERLAP_POLICY_${spec.overlapPolicy}` as never,
      catchUpPolicy: `SCHEDULE_CATCH_UP_POLICY_${spec.catchUpPolicy}` as never,
      catchUpWindowDuration: msToDuration(spec.catchUpWindowMs),
    },
    paused: s.paused,
    createTime: msToTimestamp(s.createTime),
    updateTime: msToTimestamp(s.updateTime),
    nextFireTime: msToTimestamp(s.nextFireTime),
    lastFireTime: msToTimestamp(s.lastFireTime),
    missedFireCount: s.missedFireCount,
    createdBy: s.createdBy ?? '',
  };
}
