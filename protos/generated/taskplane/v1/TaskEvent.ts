// Original file: protos/taskplane/v1/task_service.proto

import type { TaskEventType as _taskplane_v1_TaskEventType, TaskEventType__Output as _taskplane_v1_TaskEventType__Output } from '../../taskplane/v1/TaskEventType';
import type { TaskState as _taskplane_v1_TaskState, TaskState__Output as _taskplane_v1_TaskState__Output } from '../../taskplane/v1/TaskState';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { TaskError as _taskplane_v1_TaskError, TaskError__Output as _taskplane_v1_TaskError__Output } from '../../taskplane/v1/TaskError';
import type { TaskProgress as _taskplane_v1_TaskProgress, TaskProgress__Output as _taskplane_v1_TaskProgress__Output } from '../../taskplane/v1/TaskProgress';
import type { Long } from '@grpc/proto-loader';

export interface TaskEvent {
  'id'?: (number | string | Long);
  'taskId'?: (string);
  'type'?: (_taskplane_v1_TaskEventType);
  'state'?: (_taskplane_v1_TaskState);
  'eventTime'?: (_google_protobuf_Timestamp | null);
  'cause'?: (string);
  'error'?: (_taskplane_v1_TaskError | null);
  'progress'?: (_taskplane_v1_TaskProgress | null);
}

export interface TaskEvent__Output {
  'id': (string);
  'taskId': (string);
  'type': (_taskplane_v1_TaskEventType__Output);
  'state': (_taskplane_v1_TaskState__Output);
  'eventTime': (_google_protobuf_Timestamp__Output | null);
  'cause': (string);
  'error': (_taskplane_v1_TaskError__Output | null);
  'progress': (_taskplane_v1_TaskProgress__Output | null);
}
