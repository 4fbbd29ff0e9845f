// Original file: protos/taskplane/v1/security_service.proto

import type { TokenRole as _taskplane_v1_TokenRole, TokenRole__Output as _taskplane_v1_TokenRole__Output } from '../../taskplane/v1/TokenRole';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface CreateTokenRequest {
  'name'?: (string);
  'role'?: (_taskplane_v1_TokenRole);
  'consumerSelector'?: (string)[];
  'methods'?: (string)[];
  'expireTime'?: (_google_protobuf_Timestamp | null);
}

export interface CreateTokenRequest__Output {
  'name': (string);
  'role': (_taskplane_v1_TokenRole__Output);
  'consumerSelector': (string)[];
  'methods': (string)[];
  'expireTime': (_google_protobuf_Timestamp__Output | null);
}
