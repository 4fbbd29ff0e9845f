// Original file: protos/taskplane/v1/schedule_service.proto

export const ScheduleCatchUpPolicy = {
  SCHEDULE_CATCH_UP_POLICY_UNSPECIFIED: 'SCHEDULE_CATCH_UP_POLICY_UNSPECIFIED',
  SCHEDULE_CATCH_UP_POLICY_SKIP: 'SCHEDULE_CATCH_UP_POLICY_SKIP',
  SCHEDULE_CATCH_UP_POLICY_LATEST: 'SCHEDULE_CATCH_UP_POLICY_LATEST',
  SCHEDULE_CATCH_UP_POLICY_ALL: 'SCHEDULE_CATCH_UP_POLICY_ALL',
} as const;

export type ScheduleCatchUpPolicy =
  | 'SCHEDULE_CATCH_UP_POLICY_UNSPECIFIED'
  | 0
  | 'SCHEDULE_CATCH_UP_POLICY_SKIP'
  | 1
  | 'SCHEDULE_CATCH_UP_POLICY_LATEST'
  | 2
  | 'SCHEDULE_CATCH_UP_POLICY_ALL'
  | 3

export type ScheduleCatchUpPolicy__Output = typeof ScheduleCatchUpPolicy[keyof typeof ScheduleCatchUpPolicy]
