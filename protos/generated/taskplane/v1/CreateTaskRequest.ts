// Original file: protos/taskplane/v1/task_service.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration';

export interface CreateTaskRequest {
  'consumerId'?: (string);
  'method'?: (string);
  'argumentsJson'?: (string);
  'notBeforeTime'?: (_google_protobuf_Timestamp | null);
  'notAfterTime'?: (_google_protobuf_Timestamp | null);
  'timeoutDuration'?: (_google_protobuf_Duration | null);
  'labels'?: ({[key: string]: string});
  'idempotencyKey'?: (string);
  'allowUnknownMethod'?: (boolean);
  'notBeforeDelay'?: (_google_protobuf_Duration | null);
  'notAfterDelay'?: (_google_protobuf_Duration | null);
}

export interface CreateTaskRequest__Output {
  'consumerId': (string);
  'method': (string);
  'argumentsJson': (string);
  'notBeforeTime': (_google_protobuf_Timestamp__Output | null);
  'notAfterTime': (_google_protobuf_Timestamp__Output | null);
  'timeoutDuration': (_google_protobuf_Duration__Output | null);
  'labels': ({[key: string]: string});
  'idempotencyKey': (string);
  'allowUnknownMethod': (boolean);
  'notBeforeDelay': (_google_protobuf_Duration__Output | null);
  'notAfterDelay': (_google_protobuf_Duration__Output | null);
}
