// Original file: protos/taskplane/v1/schedule_service.proto

import type { ScheduleFireOutcome as _taskplane_v1_ScheduleFireOutcome, ScheduleFireOutcome__Output as _taskplane_v1_ScheduleFireOutcome__Output } from '../../taskplane/v1/ScheduleFireOutcome';

export interface ListScheduleFiresRequest {
  'scheduleId'?: (string);
  'outcome'?: (_taskplane_v1_ScheduleFireOutcome);
  'pageSize'?: (number);
  'pageToken'?: (string);
}

export interface ListScheduleFiresRequest__Output {
  'scheduleId': (string);
  'outcome': (_taskplane_v1_ScheduleFireOutcome__Output);
  'pageSize': (number);
  'pageToken': (string);
}
