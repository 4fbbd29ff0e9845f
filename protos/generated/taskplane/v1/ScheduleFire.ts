// Original file: protos/taskplane/v1/schedule_service.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { ScheduleFireOutcome as _taskplane_v1_ScheduleFireOutcome, ScheduleFireOutcome__Output as _taskplane_v1_ScheduleFireOutcome__Output } from '../../taskplane/v1/ScheduleFireOutcome';
import type { ScheduleFireTrigger as _taskplane_v1_ScheduleFireTrigger, ScheduleFireTrigger__Output as _taskplane_v1_ScheduleFireTrigger__Output } from '../../taskplane/v1/ScheduleFireTrigger';

export interface ScheduleFire {
  'fireTime'?: (_google_protobuf_Timestamp | null);
  'outcome'?: (_taskplane_v1_ScheduleFireOutcome);
  'groupId'?: (string);
  'taskCount'?: (number);
  'recordTime'?: (_google_protobuf_Timestamp | null);
  'detail'?: (string);
  'trigger'?: (_taskplane_v1_ScheduleFireTrigger);
}

export interface ScheduleFire__Output {
  'fireTime': (_google_protobuf_Timestamp__Output | null);
  'outcome': (_taskplane_v1_ScheduleFireOutcome__Output);
  'groupId': (string);
  'taskCount': (number);
  'recordTime': (_google_protobuf_Timestamp__Output | null);
  'detail': (string);
  'trigger': (_taskplane_v1_ScheduleFireTrigger__Output);
}
