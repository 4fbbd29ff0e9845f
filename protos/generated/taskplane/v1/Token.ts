// Original file: protos/taskplane/v1/security_service.proto

import type { TokenRole as _taskplane_v1_TokenRole, TokenRole__Output as _taskplane_v1_TokenRole__Output } from '../../taskplane/v1/TokenRole';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface Token {
  'id'?: (string);
  'name'?: (string);
  'role'?: (_taskplane_v1_TokenRole);
  'consumerSelector'?: (string)[];
  'methods'?: (string)[];
  'createTime'?: (_google_protobuf_Timestamp | null);
  'expireTime'?: (_google_protobuf_Timestamp | null);
  'revokeTime'?: (_google_protobuf_Timestamp | null);
  'createdBy'?: (string);
}

export interface Token__Output {
  'id': (string);
  'name': (string);
  'role': (_taskplane_v1_TokenRole__Output);
  'consumerSelector': (string)[];
  'methods': (string)[];
  'createTime': (_google_protobuf_Timestamp__Output | null);
  'expireTime': (_google_protobuf_Timestamp__Output | null);
  'revokeTime': (_google_protobuf_Timestamp__Output | null);
  'createdBy': (string);
}
