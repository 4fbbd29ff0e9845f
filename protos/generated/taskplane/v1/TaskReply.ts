// Original file: protos/taskplane/v1/agent_service.proto

import type { TaskError as _taskplane_v1_TaskError, TaskError__Output as _taskplane_v1_TaskError__Output } from '../../taskplane/v1/TaskError';

export interface TaskReply {
  'taskId'?: (string);
  'resultJson'?: (string);
  'error'?: (_taskplane_v1_TaskError | null);
  'outcome'?: "resultJson"|"error";
}

export interface TaskReply__Output {
  'taskId': (string);
  'resultJson'?: (string);
  'error'?: (_taskplane_v1_TaskError__Output | null);
  'outcome'?: "resultJson"|"error";
}
