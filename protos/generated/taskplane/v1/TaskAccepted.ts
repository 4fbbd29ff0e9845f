// Original file: protos/taskplane/v1/agent_service.proto


export interface TaskAccepted {
  'taskId'?: (string);
}

export interface TaskAccepted__Output {
  'taskId': (string);
}
