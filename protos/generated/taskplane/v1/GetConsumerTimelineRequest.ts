// Original file: protos/taskplane/v1/consumer_service.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface GetConsumerTimelineRequest {
  'consumerId'?: (string);
  'beforeTime'?: (_google_protobuf_Timestamp | null);
  'afterTime'?: (_google_protobuf_Timestamp | null);
  'pageSize'?: (number);
  'pageToken'?: (string);
}

export interface GetConsumerTimelineRequest__Output {
  'consumerId': (string);
  'beforeTime': (_google_protobuf_Timestamp__Output | null);
  'afterTime': (_google_protobuf_Timestamp__Output | null);
  'pageSize': (number);
  'pageToken': (string);
}
