// Original file: protos/taskplane/v1/task_service.proto


export interface AbortTaskGroupRequest {
  'groupId'?: (string);
  'reason'?: (string);
}

export interface AbortTaskGroupRequest__Output {
  'groupId': (string);
  'reason': (string);
}
