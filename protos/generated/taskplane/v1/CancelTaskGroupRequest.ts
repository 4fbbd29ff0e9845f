// Original file: protos/taskplane/v1/task_service.proto


export interface CancelTaskGroupRequest {
  'groupId'?: (string);
  'reason'?: (string);
}

export interface CancelTaskGroupRequest__Output {
  'groupId': (string);
  'reason': (string);
}
