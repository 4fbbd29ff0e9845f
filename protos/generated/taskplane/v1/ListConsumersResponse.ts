// Original file: protos/taskplane/v1/consumer_service.proto

import type { Consumer as _taskplane_v1_Consumer, Consumer__Output as _taskplane_v1_Consumer__Output } from '../../taskplane/v1/Consumer';

export interface ListConsumersResponse {
  'consumers'?: (_taskplane_v1_Consumer)[];
  'nextPageToken'?: (string);
}

export interface ListConsumersResponse__Output {
  'consumers': (_taskplane_v1_Consumer__Output)[];
  'nextPageToken': (string);
}
