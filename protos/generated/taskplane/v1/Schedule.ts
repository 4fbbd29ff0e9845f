// Original file: protos/taskplane/v1/schedule_service.proto

import type { ScheduleSpec as _taskplane_v1_ScheduleSpec, ScheduleSpec__Output as _taskplane_v1_ScheduleSpec__Output } from '../../taskplane/v1/ScheduleSpec';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface Schedule {
  'id'?: (string);
  'spec'?: (_taskplane_v1_ScheduleSpec | null);
  'paused'?: (boolean);
  'createTime'?: (_google_protobuf_Timestamp | null);
  'updateTime'?: (_google_protobuf_Timestamp | null);
  'nextFireTime'?: (_google_protobuf_Timestamp | null);
  'lastFireTime'?: (_google_protobuf_Timestamp | null);
  'missedFireCount'?: (number);
  'createdBy'?: (string);
}

export interface Schedule__Output {
  'id': (string);
  'spec': (_taskplane_v1_ScheduleSpec__Output | null);
  'paused': (boolean);
  'createTime': (_google_protobuf_Timestamp__Output | null);
  'updateTime': (_google_protobuf_Timestamp__Output | null);
  'nextFireTime': (_google_protobuf_Timestamp__Output | null);
  'lastFireTime': (_google_protobuf_Timestamp__Output | null);
  'missedFireCount': (number);
  'createdBy': (string);
}
