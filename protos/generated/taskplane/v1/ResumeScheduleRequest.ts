// Original file: protos/taskplane/v1/schedule_service.proto


export interface ResumeScheduleRequest {
  'scheduleId'?: (string);
}

export interface ResumeScheduleRequest__Output {
  'scheduleId': (string);
}
