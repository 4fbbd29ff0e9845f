// Original file: protos/taskplane/v1/consumer_service.proto

import type { ScheduledFire as _taskplane_v1_ScheduledFire, ScheduledFire__Output as _taskplane_v1_ScheduledFire__Output } from '../../taskplane/v1/ScheduledFire';

export interface UpcomingFire {
  'scheduleId'?: (string);
  'method'?: (string);
  'timeZone'?: (string);
  'fire'?: (_taskplane_v1_ScheduledFire | null);
}

export interface UpcomingFire__Output {
  'scheduleId': (string);
  'method': (string);
  'timeZone': (string);
  'fire': (_taskplane_v1_ScheduledFire__Output | null);
}
