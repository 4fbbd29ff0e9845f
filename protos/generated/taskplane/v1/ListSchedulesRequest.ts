// Original file: protos/taskplane/v1/schedule_service.proto


export interface ListSchedulesRequest {
  'pageSize'?: (number);
  'pageToken'?: (string);
}

export interface ListSchedulesRequest__Output {
  'pageSize': (number);
  'pageToken': (string);
}
