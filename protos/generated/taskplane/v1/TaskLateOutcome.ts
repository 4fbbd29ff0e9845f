// Original file: protos/taskplane/v1/task_service.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { TaskError as _taskplane_v1_TaskError, TaskError__Output as _taskplane_v1_TaskError__Output } from '../../taskplane/v1/TaskError';

export interface TaskLateOutcome {
  'reportTime'?: (_google_protobuf_Timestamp | null);
  'resultJson'?: (string);
  'error'?: (_taskplane_v1_TaskError | null);
}

export interface TaskLateOutcome__Output {
  'reportTime': (_google_protobuf_Timestamp__Output | null);
  'resultJson': (string);
  'error': (_taskplane_v1_TaskError__Output | null);
}
