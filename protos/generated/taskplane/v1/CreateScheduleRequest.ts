// Original file: protos/taskplane/v1/schedule_service.proto

import type { ScheduleSpec as _taskplane_v1_ScheduleSpec, ScheduleSpec__Output as _taskplane_v1_ScheduleSpec__Output } from '../../taskplane/v1/ScheduleSpec';

export interface CreateScheduleRequest {
  'spec'?: (_taskplane_v1_ScheduleSpec | null);
  'paused'?: (boolean);
}

export interface CreateScheduleRequest__Output {
  'spec': (_taskplane_v1_ScheduleSpec__Output | null);
  'paused': (boolean);
}
