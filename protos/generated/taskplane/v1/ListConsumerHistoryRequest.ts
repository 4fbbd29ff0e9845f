// Original file: protos/taskplane/v1/consumer_service.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface ListConsumerHistoryRequest {
  'consumerId'?: (string);
  'types'?: (string)[];
  'eventTimeFrom'?: (_google_protobuf_Timestamp | null);
  'eventTimeTo'?: (_google_protobuf_Timestamp | null);
  'pageSize'?: (number);
  'pageToken'?: (string);
}

export interface ListConsumerHistoryRequest__Output {
  'consumerId': (string);
  'types': (string)[];
  'eventTimeFrom': (_google_protobuf_Timestamp__Output | null);
  'eventTimeTo': (_google_protobuf_Timestamp__Output | null);
  'pageSize': (number);
  'pageToken': (string);
}
