import { InvalidArgumentError } from '../errors';
import type { ScheduleManager } from '../scheduling/schedule-manager';
import type { CatchUpPolicy, OverlapPolicy, ScheduleRecord, ScheduleSpec } from '../scheduling/schedule-record';
import { pageSize, requireConsumerId } from '../validation';
import { formatTerm, parseConsumerSelector } from '../consumers/selector';
import { durationToMs, rolloutFromProto, timestampToMs } from './convert';
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
    PreviewSchedule: edge.unary('PreviewSchedule', async (req: PreviewScheduleRequest__Output) => {
      if (Boolean(req.scheduleId) === Boolean(req.spec)) throw new InvalidArgumentError('schedule_id', 'set exactly one of schedule_id and spec');
      const source = req.scheduleId ? { scheduleId: req.scheduleId } : { spec: specFromProto(req.spec) };
      const preview = await schedules.preview(source, req.count, timestampToMs('after_time', req.afterTime));
      return {
        timeZone: preview.timeZone,
        fires: preview.fires.map((f) => ({
          fireTime: msToTimestamp(f.fireTime),
          fireTimeLocal: f.fireTimeLocal,
          windowEndTime: msToTimestamp(f.windowEnd),
          windowEndTimeLocal: f.windowEndLocal,
        })),
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
