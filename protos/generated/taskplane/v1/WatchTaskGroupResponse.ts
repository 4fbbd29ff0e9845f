// Original file: protos/taskplane/v1/task_service.proto

import type { TaskEvent as _taskplane_v1_TaskEvent, TaskEvent__Output as _taskplane_v1_TaskEvent__Output } from '../../taskplane/v1/TaskEvent';
import type { TaskGroupEvent as _taskplane_v1_TaskGroupEvent, TaskGroupEvent__Output as _taskplane_v1_TaskGroupEvent__Output } from '../../taskplane/v1/TaskGroupEvent';

export interface WatchTaskGroupResponse {
  'event'?: (_taskplane_v1_TaskEvent | null);
  'groupEvent'?: (_taskplane_v1_TaskGroupEvent | null);
}

export interface WatchTaskGroupResponse__Output {
  'event': (_taskplane_v1_TaskEvent__Output | null);
  'groupEvent': (_taskplane_v1_TaskGroupEvent__Output | null);
}
