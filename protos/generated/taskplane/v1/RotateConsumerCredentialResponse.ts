// Original file: protos/taskplane/v1/consumer_service.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Consumer as _taskplane_v1_Consumer, Consumer__Output as _taskplane_v1_Consumer__Output } from '../../taskplane/v1/Consumer';

export interface RotateConsumerCredentialResponse {
  'credential'?: (string);
  'previousCredentialExpireTime'?: (_google_protobuf_Timestamp | null);
  'consumer'?: (_taskplane_v1_Consumer | null);
}

export interface RotateConsumerCredentialResponse__Output {
  'credential': (string);
  'previousCredentialExpireTime': (_google_protobuf_Timestamp__Output | null);
  'consumer': (_taskplane_v1_Consumer__Output | null);
}
