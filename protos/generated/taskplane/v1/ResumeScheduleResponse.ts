// Original file: protos/taskplane/v1/schedule_service.proto

import type { Schedule as _taskplane_v1_Schedule, Schedule__Output as _taskplane_v1_Schedule__Output } from '../../taskplane/v1/Schedule';

export interface ResumeScheduleResponse {
  'schedule'?: (_taskplane_v1_Schedule | null);
}

export interface ResumeScheduleResponse__Output {
  'schedule': (_taskplane_v1_Schedule__Output | null);
}
