// Original file: protos/taskplane/v1/task_service.proto

import type { TaskGroupState as _taskplane_v1_TaskGroupState, TaskGroupState__Output as _taskplane_v1_TaskGroupState__Output } from '../../taskplane/v1/TaskGroupState';
import type { RolloutPolicy as _taskplane_v1_RolloutPolicy, RolloutPolicy__Output as _taskplane_v1_RolloutPolicy__Output } from '../../taskplane/v1/RolloutPolicy';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface TaskGroup {
  'groupId'?: (string);
  'state'?: (_taskplane_v1_TaskGroupState);
  'rollout'?: (_taskplane_v1_RolloutPolicy | null);
  'currentWave'?: (number);
  'waveCount'?: (number);
  'pauseReason'?: (string);
  'total'?: (number);
  'succeeded'?: (number);
  'failed'?: (number);
  'canceled'?: (number);
  'held'?: (number);
  'method'?: (string);
  'createTime'?: (_google_protobuf_Timestamp | null);
}

export interface TaskGroup__Output {
  'groupId': (string);
  'state': (_taskplane_v1_TaskGroupState__Output);
  'rollout': (_taskplane_v1_RolloutPolicy__Output | null);
  'currentWave': (number);
  'waveCount': (number);
  'pauseReason': (string);
  'total': (number);
  'succeeded': (number);
  'failed': (number);
  'canceled': (number);
  'held': (number);
  'method': (string);
  'createTime': (_google_protobuf_Timestamp__Output | null);
}
