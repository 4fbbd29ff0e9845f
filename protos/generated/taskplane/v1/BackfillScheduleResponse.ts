// Original file: protos/taskplane/v1/schedule_service.proto

import type { ScheduleFire as _taskplane_v1_ScheduleFire, ScheduleFire__Output as _taskplane_v1_ScheduleFire__Output } from '../../taskplane/v1/ScheduleFire';

export interface BackfillScheduleResponse {
  'fires'?: (_taskplane_v1_ScheduleFire)[];
  'alreadyRecordedCount'?: (number);
}

export interface BackfillScheduleResponse__Output {
  'fires': (_taskplane_v1_ScheduleFire__Output)[];
  'alreadyRecordedCount': (number);
}
