// Original file: protos/taskplane/v1/task_service.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface TaskProgress {
  'percent'?: (number);
  'message'?: (string);
  'detailsJson'?: (string);
  'reportTime'?: (_google_protobuf_Timestamp | null);
}

export interface TaskProgress__Output {
  'percent': (number);
  'message': (string);
  'detailsJson': (string);
  'reportTime': (_google_protobuf_Timestamp__Output | null);
}
