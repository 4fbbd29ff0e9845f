// Original file: protos/taskplane/v1/consumer_service.proto

import type { Consumer as _taskplane_v1_Consumer, Consumer__Output as _taskplane_v1_Consumer__Output } from '../../taskplane/v1/Consumer';

export interface RegisterConsumerResponse {
  'consumer'?: (_taskplane_v1_Consumer | null);
  'credential'?: (string);
}

export interface RegisterConsumerResponse__Output {
  'consumer': (_taskplane_v1_Consumer__Output | null);
  'credential': (string);
}
