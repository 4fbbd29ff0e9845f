// Original file: protos/taskplane/v1/consumer_service.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration';

export interface RotateConsumerCredentialRequest {
  'consumerId'?: (string);
  'graceDuration'?: (_google_protobuf_Duration | null);
}

export interface RotateConsumerCredentialRequest__Output {
  'consumerId': (string);
  'graceDuration': (_google_protobuf_Duration__Output | null);
}
