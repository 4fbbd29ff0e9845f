// Original file: protos/taskplane/v1/schedule_service.proto

export const ScheduleOverlapPolicy = {
  SCHEDULE_OVERLAP_POLICY_UNSPECIFIED: 'SCHEDULE_OVERLAP_POLICY_UNSPECIFIED',
  SCHEDULE_OVERLAP_POLICY_SKIP: 'SCHEDULE_OVERLAP_POLICY_SKIP',
  SCHEDULE_OVERLAP_POLICY_ALLOW: 'SCHEDULE_OVERLAP_POLICY_ALLOW',
} as const;

export type ScheduleOverlapPolicy =
  | 'SCHEDULE_OVERLAP_POLICY_UNSPECIFIED'
  | 0
  | 'SCHEDULE_OVERLAP_POLICY_SKIP'
  | 1
  | 'SCHEDULE_OVERLAP_POLICY_ALLOW'
  | 2

export type ScheduleOverlapPolicy__Output = typeof ScheduleOverlapPolicy[keyof typeof ScheduleOverlapPolicy]
