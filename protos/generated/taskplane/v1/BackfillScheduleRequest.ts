// Original file: protos/taskplane/v1/schedule_service.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface BackfillScheduleRequest {
  'scheduleId'?: (string);
  'fromTime'?: (_google_protobuf_Timestamp | null);
  'toTime'?: (_google_protobuf_Timestamp | null);
}

export interface BackfillScheduleRequest__Output {
  'scheduleId': (string);
  'fromTime': (_google_protobuf_Timestamp__Output | null);
  'toTime': (_google_protobuf_Timestamp__Output | null);
}
