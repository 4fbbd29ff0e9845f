// Original file: protos/taskplane/v1/agent_service.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration';

export interface TaskRequest {
  'taskId'?: (string);
  'method'?: (string);
  'argumentsJson'?: (string);
  'attempt'?: (number);
  'notBeforeTime'?: (_google_protobuf_Timestamp | null);
  'notAfterTime'?: (_google_protobuf_Timestamp | null);
  'timeoutDuration'?: (_google_protobuf_Duration | null);
  'previouslyAccepted'?: (boolean);
  'traceparent'?: (string);
}

export interface TaskRequest__Output {
  'taskId': (string);
  'method': (string);
  'argumentsJson': (string);
  'attempt': (number);
  'notBeforeTime': (_google_protobuf_Timestamp__Output | null);
  'notAfterTime': (_google_protobuf_Timestamp__Output | null);
  'timeoutDuration': (_google_protobuf_Duration__Output | null);
  'previouslyAccepted': (boolean);
  'traceparent': (string);
}
