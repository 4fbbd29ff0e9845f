// Original file: protos/taskplane/v1/agent_service.proto


export interface TaskCancellation {
  'taskId'?: (string);
  'reason'?: (string);
}

export interface TaskCancellation__Output {
  'taskId': (string);
  'reason': (string);
}
