// Original file: protos/taskplane/v1/agent_service.proto


export interface ReplyAck {
  'taskId'?: (string);
}

export interface ReplyAck__Output {
  'taskId': (string);
}
