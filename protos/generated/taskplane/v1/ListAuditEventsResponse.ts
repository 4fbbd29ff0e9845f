// Original file: protos/taskplane/v1/security_service.proto

import type { AuditEvent as _taskplane_v1_AuditEvent, AuditEvent__Output as _taskplane_v1_AuditEvent__Output } from '../../taskplane/v1/AuditEvent';

export interface ListAuditEventsResponse {
  'events'?: (_taskplane_v1_AuditEvent)[];
  'nextPageToken'?: (string);
}

export interface ListAuditEventsResponse__Output {
  'events': (_taskplane_v1_AuditEvent__Output)[];
  'nextPageToken': (string);
}
