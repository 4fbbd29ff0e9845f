// Original file: protos/taskplane/v1/consumer_service.proto


export interface GetConsumerRequest {
  'consumerId'?: (string);
}

export interface GetConsumerRequest__Output {
  'consumerId': (string);
}
