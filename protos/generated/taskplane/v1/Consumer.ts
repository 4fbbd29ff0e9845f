// Original file: protos/taskplane/v1/consumer_service.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface Consumer {
  'id'?: (string);
  'displayName'?: (string);
  'labels'?: ({[key: string]: string});
  'createTime'?: (_google_protobuf_Timestamp | null);
  'lastSeenTime'?: (_google_protobuf_Timestamp | null);
  'online'?: (boolean);
  'credentialRevoked'?: (boolean);
  'previousCredentialExpireTime'?: (_google_protobuf_Timestamp | null);
  'agentVersion'?: (string);
  'methods'?: (string)[];
  'helloTime'?: (_google_protobuf_Timestamp | null);
}

export interface Consumer__Output {
  'id': (string);
  'displayName': (string);
  'labels': ({[key: string]: string});
  'createTime': (_google_protobuf_Timestamp__Output | null);
  'lastSeenTime': (_google_protobuf_Timestamp__Output | null);
  'online': (boolean);
  'credentialRevoked': (boolean);
  'previousCredentialExpireTime': (_google_protobuf_Timestamp__Output | null);
  'agentVersion': (string);
  'methods': (string)[];
  'helloTime': (_google_protobuf_Timestamp__Output | null);
}
