// Original file: protos/taskplane/v1/task_service.proto

import type { TaskGroupEventType as _taskplane_v1_TaskGroupEventType, TaskGroupEventType__Output as _taskplane_v1_TaskGroupEventType__Output } from '../../taskplane/v1/TaskGroupEventType';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { TaskGroupState as _taskplane_v1_TaskGroupState, TaskGroupState__Output as _taskplane_v1_TaskGroupState__Output } from '../../taskplane/v1/TaskGroupState';
import type { Long } from '@grpc/proto-loader';

export interface TaskGroupEvent {
  'id'?: (number | string | Long);
  'groupId'?: (string);
  'type'?: (_taskplane_v1_TaskGroupEventType);
  'wave'?: (number);
  'eventTime'?: (_google_protobuf_Timestamp | null);
  'cause'?: (string);
  'state'?: (_taskplane_v1_TaskGroupState);
}

export interface TaskGroupEvent__Output {
  'id': (string);
  'groupId': (string);
  'type': (_taskplane_v1_TaskGroupEventType__Output);
  'wave': (number);
  'eventTime': (_google_protobuf_Timestamp__Output | null);
  'cause': (string);
  'state': (_taskplane_v1_TaskGroupState__Output);
}
