// Original file: protos/taskplane/v1/task_service.proto


export interface GetTaskRequest {
  'taskId'?: (string);
}

export interface GetTaskRequest__Output {
  'taskId': (string);
}
