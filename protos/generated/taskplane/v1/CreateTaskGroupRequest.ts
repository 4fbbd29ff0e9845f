// Original file: protos/taskplane/v1/task_service.proto

import type { CreateTaskRequest as _taskplane_v1_CreateTaskRequest, CreateTaskRequest__Output as _taskplane_v1_CreateTaskRequest__Output } from '../../taskplane/v1/CreateTaskRequest';
import type { RolloutPolicy as _taskplane_v1_RolloutPolicy, RolloutPolicy__Output as _taskplane_v1_RolloutPolicy__Output } from '../../taskplane/v1/RolloutPolicy';

export interface CreateTaskGroupRequest {
  'consumerSelector'?: (string)[];
  'template'?: (_taskplane_v1_CreateTaskRequest | null);
  'rollout'?: (_taskplane_v1_RolloutPolicy | null);
  'consumerIdPattern'?: (string);
}

export interface CreateTaskGroupRequest__Output {
  'consumerSelector': (string)[];
  'template': (_taskplane_v1_CreateTaskRequest__Output | null);
  'rollout': (_taskplane_v1_RolloutPolicy__Output | null);
  'consumerIdPattern': (string);
}
