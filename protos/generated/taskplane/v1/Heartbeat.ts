// Original file: protos/taskplane/v1/agent_service.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface Heartbeat {
  'sendTime'?: (_google_protobuf_Timestamp | null);
}

export interface Heartbeat__Output {
  'sendTime': (_google_protobuf_Timestamp__Output | null);
}
