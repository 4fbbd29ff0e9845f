// Original file: protos/taskplane/v1/task_service.proto

import type { Task as _taskplane_v1_Task, Task__Output as _taskplane_v1_Task__Output } from '../../taskplane/v1/Task';

export interface CancelTaskResponse {
  'task'?: (_taskplane_v1_Task | null);
}

export interface CancelTaskResponse__Output {
  'task': (_taskplane_v1_Task__Output | null);
}
