// Original file: protos/taskplane/v1/task_service.proto

import type { TaskEvent as _taskplane_v1_TaskEvent, TaskEvent__Output as _taskplane_v1_TaskEvent__Output } from '../../taskplane/v1/TaskEvent';

export interface WatchTaskGroupResponse {
  'event'?: (_taskplane_v1_TaskEvent | null);
}

export interface WatchTaskGroupResponse__Output {
  'event': (_taskplane_v1_TaskEvent__Output | null);
}
