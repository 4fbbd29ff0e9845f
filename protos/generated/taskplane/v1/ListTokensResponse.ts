// Original file: protos/taskplane/v1/security_service.proto

import type { Token as _taskplane_v1_Token, Token__Output as _taskplane_v1_Token__Output } from '../../taskplane/v1/Token';

export interface ListTokensResponse {
  'tokens'?: (_taskplane_v1_Token)[];
  'nextPageToken'?: (string);
}

export interface ListTokensResponse__Output {
  'tokens': (_taskplane_v1_Token__Output)[];
  'nextPageToken': (string);
}
