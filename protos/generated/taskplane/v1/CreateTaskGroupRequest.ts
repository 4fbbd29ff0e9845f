// Original file: protos/taskplane/v1/task_service.proto

import type { CreateTaskRequest as _taskplane_v1_CreateTaskRequest, CreateTaskRequest__Output as _taskplane_v1_CreateTaskRequest__Output } from '../../taskplane/v1/CreateTaskRequest';

export interface CreateTaskGroupRequest {
  'consumerSelector'?: (string)[];
  'template'?: (_taskplane_v1_CreateTaskRequest | null);
}

export interface CreateTaskGroupRequest__Output {
  'consumerSelector': (string)[];
  'template': (_taskplane_v1_CreateTaskRequest__Output | null);
}
