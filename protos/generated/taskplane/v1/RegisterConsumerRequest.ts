// Original file: protos/taskplane/v1/consumer_service.proto


export interface RegisterConsumerRequest {
  'consumerId'?: (string);
  'displayName'?: (string);
  'labels'?: ({[key: string]: string});
}

export interface RegisterConsumerRequest__Output {
  'consumerId': (string);
  'displayName': (string);
  'labels': ({[key: string]: string});
}
