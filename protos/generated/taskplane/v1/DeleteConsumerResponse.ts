// Original file: protos/taskplane/v1/consumer_service.proto


export interface DeleteConsumerResponse {
  'pausedScheduleIds'?: (string)[];
}

export interface DeleteConsumerResponse__Output {
  'pausedScheduleIds': (string)[];
}
