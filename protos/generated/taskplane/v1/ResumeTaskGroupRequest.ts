// Original file: protos/taskplane/v1/task_service.proto


export interface ResumeTaskGroupRequest {
  'groupId'?: (string);
}

export interface ResumeTaskGroupRequest__Output {
  'groupId': (string);
}
