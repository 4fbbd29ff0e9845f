// Original file: protos/taskplane/v1/agent_service.proto


export interface TaskProgressReport {
  'taskId'?: (string);
  'percent'?: (number);
  'message'?: (string);
  'detailsJson'?: (string);
}

export interface TaskProgressReport__Output {
  'taskId': (string);
  'percent': (number);
  'message': (string);
  'detailsJson': (string);
}
