// Original file: protos/taskplane/v1/security_service.proto

import type { Token as _taskplane_v1_Token, Token__Output as _taskplane_v1_Token__Output } from '../../taskplane/v1/Token';

export interface RevokeTokenResponse {
  'token'?: (_taskplane_v1_Token | null);
}

export interface RevokeTokenResponse__Output {
  'token': (_taskplane_v1_Token__Output | null);
}
