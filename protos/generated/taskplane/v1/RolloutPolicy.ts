// Original file: protos/taskplane/v1/task_service.proto


export interface RolloutPolicy {
  'canaryCount'?: (number);
  'waveSize'?: (number);
  'wavePercent'?: (number);
  'maxFailurePercent'?: (number);
}

export interface RolloutPolicy__Output {
  'canaryCount': (number);
  'waveSize': (number);
  'wavePercent': (number);
  'maxFailurePercent': (number);
}
