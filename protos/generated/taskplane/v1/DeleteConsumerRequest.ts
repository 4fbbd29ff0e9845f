// Original file: protos/taskplane/v1/consumer_service.proto


export interface DeleteConsumerRequest {
  'consumerId'?: (string);
}

export interface DeleteConsumerRequest__Output {
  'consumerId': (string);
}
