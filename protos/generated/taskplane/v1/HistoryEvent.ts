// Original file: protos/taskplane/v1/consumer_service.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Long } from '@grpc/proto-loader';

export interface HistoryEvent {
  'id'?: (number | string | Long);
  'consumerId'?: (string);
  'type'?: (string);
  'eventTime'?: (_google_protobuf_Timestamp | null);
  'taskId'?: (string);
  'detailsJson'?: (string);
}

export interface HistoryEvent__Output {
  'id': (string);
  'consumerId': (string);
  'type': (string);
  'eventTime': (_google_protobuf_Timestamp__Output | null);
  'taskId': (string);
  'detailsJson': (string);
}
