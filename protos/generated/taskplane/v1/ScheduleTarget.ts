// Original file: protos/taskplane/v1/schedule_service.proto


export interface ScheduleTarget {
  'consumerId'?: (string);
  'consumerSelector'?: (string)[];
}

export interface ScheduleTarget__Output {
  'consumerId': (string);
  'consumerSelector': (string)[];
}
