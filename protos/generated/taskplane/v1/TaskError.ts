// Original file: protos/taskplane/v1/task_service.proto


export interface TaskError {
  'type'?: (string);
  'message'?: (string);
  'detailsJson'?: (string);
}

export interface TaskError__Output {
  'type': (string);
  'message': (string);
  'detailsJson': (string);
}
