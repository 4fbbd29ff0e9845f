// Original file: protos/taskplane/v1/task_service.proto

import type { TaskState as _taskplane_v1_TaskState, TaskState__Output as _taskplane_v1_TaskState__Output } from '../../taskplane/v1/TaskState';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration';
import type { TaskError as _taskplane_v1_TaskError, TaskError__Output as _taskplane_v1_TaskError__Output } from '../../taskplane/v1/TaskError';
import type { TaskProgress as _taskplane_v1_TaskProgress, TaskProgress__Output as _taskplane_v1_TaskProgress__Output } from '../../taskplane/v1/TaskProgress';
import type { TaskLateOutcome as _taskplane_v1_TaskLateOutcome, TaskLateOutcome__Output as _taskplane_v1_TaskLateOutcome__Output } from '../../taskplane/v1/TaskLateOutcome';

export interface Task {
  'id'?: (string);
  'consumerId'?: (string);
  'method'?: (string);
  'argumentsJson'?: (string);
  'state'?: (_taskplane_v1_TaskState);
  'labels'?: ({[key: string]: string});
  'idempotencyKey'?: (string);
  'createTime'?: (_google_protobuf_Timestamp | null);
  'updateTime'?: (_google_protobuf_Timestamp | null);
  'notBeforeTime'?: (_google_protobuf_Timestamp | null);
  'notAfterTime'?: (_google_protobuf_Timestamp | null);
  'timeoutDuration'?: (_google_protobuf_Duration | null);
  'startTime'?: (_google_protobuf_Timestamp | null);
  'endTime'?: (_google_protobuf_Timestamp | null);
  'attempt'?: (number);
  'resultJson'?: (string);
  'error'?: (_taskplane_v1_TaskError | null);
  'progress'?: (_taskplane_v1_TaskProgress | null);
  'cancelRequestedTime'?: (_google_protobuf_Timestamp | null);
  'groupId'?: (string);
  'scheduleId'?: (string);
  'fireTime'?: (_google_protobuf_Timestamp | null);
  'lateOutcome'?: (_taskplane_v1_TaskLateOutcome | null);
  'createdBy'?: (string);
  'traceparent'?: (string);
}

export interface Task__Output {
  'id': (string);
  'consumerId': (string);
  'method': (string);
  'argumentsJson': (string);
  'state': (_taskplane_v1_TaskState__Output);
  'labels': ({[key: string]: string});
  'idempotencyKey': (string);
  'createTime': (_google_protobuf_Timestamp__Output | null);
  'updateTime': (_google_protobuf_Timestamp__Output | null);
  'notBeforeTime': (_google_protobuf_Timestamp__Output | null);
  'notAfterTime': (_google_protobuf_Timestamp__Output | null);
  'timeoutDuration': (_google_protobuf_Duration__Output | null);
  'startTime': (_google_protobuf_Timestamp__Output | null);
  'endTime': (_google_protobuf_Timestamp__Output | null);
  'attempt': (number);
  'resultJson': (string);
  'error': (_taskplane_v1_TaskError__Output | null);
  'progress': (_taskplane_v1_TaskProgress__Output | null);
  'cancelRequestedTime': (_google_protobuf_Timestamp__Output | null);
  'groupId': (string);
  'scheduleId': (string);
  'fireTime': (_google_protobuf_Timestamp__Output | null);
  'lateOutcome': (_taskplane_v1_TaskLateOutcome__Output | null);
  'createdBy': (string);
  'traceparent': (string);
}
