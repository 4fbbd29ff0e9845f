// Original file: protos/taskplane/v1/schedule_service.proto


export interface PauseScheduleRequest {
  'scheduleId'?: (string);
}

export interface PauseScheduleRequest__Output {
  'scheduleId': (string);
}
