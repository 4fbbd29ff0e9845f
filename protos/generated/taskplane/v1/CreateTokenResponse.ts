// Original file: protos/taskplane/v1/security_service.proto

import type { Token as _taskplane_v1_Token, Token__Output as _taskplane_v1_Token__Output } from '../../taskplane/v1/Token';

export interface CreateTokenResponse {
  'token'?: (_taskplane_v1_Token | null);
  'secret'?: (string);
}

export interface CreateTokenResponse__Output {
  'token': (_taskplane_v1_Token__Output | null);
  'secret': (string);
}
