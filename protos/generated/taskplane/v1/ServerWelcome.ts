// Original file: protos/taskplane/v1/agent_service.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration';

export interface ServerWelcome {
  'serverId'?: (string);
  'heartbeatIntervalDuration'?: (_google_protobuf_Duration | null);
  'livenessTimeoutDuration'?: (_google_protobuf_Duration | null);
}

export interface ServerWelcome__Output {
  'serverId': (string);
  'heartbeatIntervalDuration': (_google_protobuf_Duration__Output | null);
  'livenessTimeoutDuration': (_google_protobuf_Duration__Output | null);
}
