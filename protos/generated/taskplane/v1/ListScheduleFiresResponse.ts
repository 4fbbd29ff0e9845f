// Original file: protos/taskplane/v1/schedule_service.proto

import type { ScheduleFire as _taskplane_v1_ScheduleFire, ScheduleFire__Output as _taskplane_v1_ScheduleFire__Output } from '../../taskplane/v1/ScheduleFire';

export interface ListScheduleFiresResponse {
  'fires'?: (_taskplane_v1_ScheduleFire)[];
  'nextPageToken'?: (string);
}

export interface ListScheduleFiresResponse__Output {
  'fires': (_taskplane_v1_ScheduleFire__Output)[];
  'nextPageToken': (string);
}
