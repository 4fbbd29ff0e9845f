// Original file: protos/taskplane/v1/security_service.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Long } from '@grpc/proto-loader';

export interface AuditEvent {
  'id'?: (number | string | Long);
  'eventTime'?: (_google_protobuf_Timestamp | null);
  'principalId'?: (string);
  'principalName'?: (string);
  'certificateSubject'?: (string);
  'peer'?: (string);
  'rpc'?: (string);
  'action'?: (string);
  'resource'?: (string);
  'outcome'?: (string);
  'detailsJson'?: (string);
}

export interface AuditEvent__Output {
  'id': (string);
  'eventTime': (_google_protobuf_Timestamp__Output | null);
  'principalId': (string);
  'principalName': (string);
  'certificateSubject': (string);
  'peer': (string);
  'rpc': (string);
  'action': (string);
  'resource': (string);
  'outcome': (string);
  'detailsJson': (string);
}
