// Original file: protos/taskplane/v1/schedule_service.proto

import type { ScheduleFire as _taskplane_v1_ScheduleFire, ScheduleFire__Output as _taskplane_v1_ScheduleFire__Output } from '../../taskplane/v1/ScheduleFire';

export interface TriggerScheduleResponse {
  'fire'?: (_taskplane_v1_ScheduleFire | null);
}

export interface TriggerScheduleResponse__Output {
  'fire': (_taskplane_v1_ScheduleFire__Output | null);
}
