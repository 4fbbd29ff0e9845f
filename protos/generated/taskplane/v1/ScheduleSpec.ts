// Original file: protos/taskplane/v1/schedule_service.proto

import type { TaskTemplate as _taskplane_v1_TaskTemplate, TaskTemplate__Output as _taskplane_v1_TaskTemplate__Output } from '../../taskplane/v1/TaskTemplate';
import type { ScheduleTarget as _taskplane_v1_ScheduleTarget, ScheduleTarget__Output as _taskplane_v1_ScheduleTarget__Output } from '../../taskplane/v1/ScheduleTarget';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { ScheduleOverlapPolicy as _taskplane_v1_ScheduleOverlapPolicy, ScheduleOverlapPolicy__Output as _taskplane_v1_ScheduleOverlapPolicy__Output } from '../../taskplane/v1/ScheduleOverlapPolicy';
import type { ScheduleCatchUpPolicy as _taskplane_v1_ScheduleCatchUpPolicy, ScheduleCatchUpPolicy__Output as _taskplane_v1_ScheduleCatchUpPolicy__Output } from '../../taskplane/v1/ScheduleCatchUpPolicy';

export interface ScheduleSpec {
  'cron'?: (string);
  'timeZone'?: (string);
  'taskTemplate'?: (_taskplane_v1_TaskTemplate | null);
  'target'?: (_taskplane_v1_ScheduleTarget | null);
  'windowDuration'?: (_google_protobuf_Duration | null);
  'startTime'?: (_google_protobuf_Timestamp | null);
  'endTime'?: (_google_protobuf_Timestamp | null);
  'overlapPolicy'?: (_taskplane_v1_ScheduleOverlapPolicy);
  'catchUpPolicy'?: (_taskplane_v1_ScheduleCatchUpPolicy);
  'catchUpWindowDuration'?: (_google_protobuf_Duration | null);
}

export interface ScheduleSpec__Output {
  'cron': (string);
  'timeZone': (string);
  'taskTemplate': (_taskplane_v1_TaskTemplate__Output | null);
  'target': (_taskplane_v1_ScheduleTarget__Output | null);
  'windowDuration': (_google_protobuf_Duration__Output | null);
  'startTime': (_google_protobuf_Timestamp__Output | null);
  'endTime': (_google_protobuf_Timestamp__Output | null);
  'overlapPolicy': (_taskplane_v1_ScheduleOverlapPolicy__Output);
  'catchUpPolicy': (_taskplane_v1_ScheduleCatchUpPolicy__Output);
  'catchUpWindowDuration': (_google_protobuf_Duration__Output | null);
}
