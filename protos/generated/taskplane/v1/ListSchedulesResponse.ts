// Original file: protos/taskplane/v1/schedule_service.proto

import type { Schedule as _taskplane_v1_Schedule, Schedule__Output as _taskplane_v1_Schedule__Output } from '../../taskplane/v1/Schedule';

export interface ListSchedulesResponse {
  'schedules'?: (_taskplane_v1_Schedule)[];
  'nextPageToken'?: (string);
}

export interface ListSchedulesResponse__Output {
  'schedules': (_taskplane_v1_Schedule__Output)[];
  'nextPageToken': (string);
}
