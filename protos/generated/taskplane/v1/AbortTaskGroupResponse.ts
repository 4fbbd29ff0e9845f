// Original file: protos/taskplane/v1/task_service.proto

import type { TaskGroup as _taskplane_v1_TaskGroup, TaskGroup__Output as _taskplane_v1_TaskGroup__Output } from '../../taskplane/v1/TaskGroup';

export interface AbortTaskGroupResponse {
  'group'?: (_taskplane_v1_TaskGroup | null);
}

export interface AbortTaskGroupResponse__Output {
  'group': (_taskplane_v1_TaskGroup__Output | null);
}
