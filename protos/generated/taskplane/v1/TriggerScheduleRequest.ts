// Original file: protos/taskplane/v1/schedule_service.proto


export interface TriggerScheduleRequest {
  'scheduleId'?: (string);
}

export interface TriggerScheduleRequest__Output {
  'scheduleId': (string);
}
