// Original file: protos/taskplane/v1/schedule_service.proto


export interface GetScheduleRequest {
  'scheduleId'?: (string);
}

export interface GetScheduleRequest__Output {
  'scheduleId': (string);
}
