// Original file: protos/taskplane/v1/consumer_service.proto

import type { HistoryEvent as _taskplane_v1_HistoryEvent, HistoryEvent__Output as _taskplane_v1_HistoryEvent__Output } from '../../taskplane/v1/HistoryEvent';

export interface ListConsumerHistoryResponse {
  'events'?: (_taskplane_v1_HistoryEvent)[];
  'nextPageToken'?: (string);
}

export interface ListConsumerHistoryResponse__Output {
  'events': (_taskplane_v1_HistoryEvent__Output)[];
  'nextPageToken': (string);
}
