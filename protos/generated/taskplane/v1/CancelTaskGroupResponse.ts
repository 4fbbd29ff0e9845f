// Original file: protos/taskplane/v1/task_service.proto

import type { Task as _taskplane_v1_Task, Task__Output as _taskplane_v1_Task__Output } from '../../taskplane/v1/Task';

export interface CancelTaskGroupResponse {
  'tasks'?: (_taskplane_v1_Task)[];
}

export interface CancelTaskGroupResponse__Output {
  'tasks': (_taskplane_v1_Task__Output)[];
}
