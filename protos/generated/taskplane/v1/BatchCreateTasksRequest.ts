// Original file: protos/taskplane/v1/task_service.proto

import type { CreateTaskRequest as _taskplane_v1_CreateTaskRequest, CreateTaskRequest__Output as _taskplane_v1_CreateTaskRequest__Output } from '../../taskplane/v1/CreateTaskRequest';

export interface BatchCreateTasksRequest {
  'requests'?: (_taskplane_v1_CreateTaskRequest)[];
}

export interface BatchCreateTasksRequest__Output {
  'requests': (_taskplane_v1_CreateTaskRequest__Output)[];
}
