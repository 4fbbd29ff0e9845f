// Original file: protos/taskplane/v1/task_service.proto


export interface GetTaskGroupRequest {
  'groupId'?: (string);
}

export interface GetTaskGroupRequest__Output {
  'groupId': (string);
}
