// Original file: protos/taskplane/v1/schedule_service.proto

import type { ScheduleSpec as _taskplane_v1_ScheduleSpec, ScheduleSpec__Output as _taskplane_v1_ScheduleSpec__Output } from '../../taskplane/v1/ScheduleSpec';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface PreviewScheduleRequest {
  'scheduleId'?: (string);
  'spec'?: (_taskplane_v1_ScheduleSpec | null);
  'count'?: (number);
  'afterTime'?: (_google_protobuf_Timestamp | null);
}

export interface PreviewScheduleRequest__Output {
  'scheduleId': (string);
  'spec': (_taskplane_v1_ScheduleSpec__Output | null);
  'count': (number);
  'afterTime': (_google_protobuf_Timestamp__Output | null);
}
