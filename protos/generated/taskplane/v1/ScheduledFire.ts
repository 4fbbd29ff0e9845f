// Original file: protos/taskplane/v1/schedule_service.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface ScheduledFire {
  'fireTime'?: (_google_protobuf_Timestamp | null);
  'fireTimeLocal'?: (string);
  'windowEndTime'?: (_google_protobuf_Timestamp | null);
  'windowEndTimeLocal'?: (string);
}

export interface ScheduledFire__Output {
  'fireTime': (_google_protobuf_Timestamp__Output | null);
  'fireTimeLocal': (string);
  'windowEndTime': (_google_protobuf_Timestamp__Output | null);
  'windowEndTimeLocal': (string);
}
