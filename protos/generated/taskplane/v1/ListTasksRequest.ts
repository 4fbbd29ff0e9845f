// Original file: protos/taskplane/v1/task_service.proto

import type { TaskState as _taskplane_v1_TaskState, TaskState__Output as _taskplane_v1_TaskState__Output } from '../../taskplane/v1/TaskState';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { TaskView as _taskplane_v1_TaskView, TaskView__Output as _taskplane_v1_TaskView__Output } from '../../taskplane/v1/TaskView';

export interface ListTasksRequest {
  'consumerId'?: (string);
  'states'?: (_taskplane_v1_TaskState)[];
  'method'?: (string);
  'labelSelector'?: (string)[];
  'createTimeFrom'?: (_google_protobuf_Timestamp | null);
  'createTimeTo'?: (_google_protobuf_Timestamp | null);
  'pageSize'?: (number);
  'pageToken'?: (string);
  'groupId'?: (string);
  'scheduleId'?: (string);
  'view'?: (_taskplane_v1_TaskView);
}

export interface ListTasksRequest__Output {
  'consumerId': (string);
  'states': (_taskplane_v1_TaskState__Output)[];
  'method': (string);
  'labelSelector': (string)[];
  'createTimeFrom': (_google_protobuf_Timestamp__Output | null);
  'createTimeTo': (_google_protobuf_Timestamp__Output | null);
  'pageSize': (number);
  'pageToken': (string);
  'groupId': (string);
  'scheduleId': (string);
  'view': (_taskplane_v1_TaskView__Output);
}
