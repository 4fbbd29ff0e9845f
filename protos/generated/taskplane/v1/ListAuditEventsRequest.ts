// Original file: protos/taskplane/v1/security_service.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface ListAuditEventsRequest {
  'principalId'?: (string);
  'action'?: (string);
  'resource'?: (string);
  'outcome'?: (string);
  'eventTimeFrom'?: (_google_protobuf_Timestamp | null);
  'eventTimeTo'?: (_google_protobuf_Timestamp | null);
  'pageSize'?: (number);
  'pageToken'?: (string);
}

export interface ListAuditEventsRequest__Output {
  'principalId': (string);
  'action': (string);
  'resource': (string);
  'outcome': (string);
  'eventTimeFrom': (_google_protobuf_Timestamp__Output | null);
  'eventTimeTo': (_google_protobuf_Timestamp__Output | null);
  'pageSize': (number);
  'pageToken': (string);
}
