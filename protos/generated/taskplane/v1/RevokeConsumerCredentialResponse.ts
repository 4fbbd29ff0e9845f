// Original file: protos/taskplane/v1/consumer_service.proto

import type { Consumer as _taskplane_v1_Consumer, Consumer__Output as _taskplane_v1_Consumer__Output } from '../../taskplane/v1/Consumer';

export interface RevokeConsumerCredentialResponse {
  'consumer'?: (_taskplane_v1_Consumer | null);
}

export interface RevokeConsumerCredentialResponse__Output {
  'consumer': (_taskplane_v1_Consumer__Output | null);
}
