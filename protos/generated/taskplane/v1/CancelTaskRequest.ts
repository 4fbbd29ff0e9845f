// Original file: protos/taskplane/v1/task_service.proto


export interface CancelTaskRequest {
  'taskId'?: (string);
  'reason'?: (string);
}

export interface CancelTaskRequest__Output {
  'taskId': (string);
  'reason': (string);
}
