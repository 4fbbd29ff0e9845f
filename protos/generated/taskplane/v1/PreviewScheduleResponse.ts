// Original file: protos/taskplane/v1/schedule_service.proto

import type { ScheduledFire as _taskplane_v1_ScheduledFire, ScheduledFire__Output as _taskplane_v1_ScheduledFire__Output } from '../../taskplane/v1/ScheduledFire';

export interface PreviewScheduleResponse {
  'fires'?: (_taskplane_v1_ScheduledFire)[];
  'timeZone'?: (string);
}

export interface PreviewScheduleResponse__Output {
  'fires': (_taskplane_v1_ScheduledFire__Output)[];
  'timeZone': (string);
}
