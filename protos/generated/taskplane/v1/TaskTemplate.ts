// Original file: protos/taskplane/v1/schedule_service.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration';

export interface TaskTemplate {
  'method'?: (string);
  'argumentsJson'?: (string);
  'timeoutDuration'?: (_google_protobuf_Duration | null);
  'labels'?: ({[key: string]: string});
}

export interface TaskTemplate__Output {
  'method': (string);
  'argumentsJson': (string);
  'timeoutDuration': (_google_protobuf_Duration__Output | null);
  'labels': ({[key: string]: string});
}
