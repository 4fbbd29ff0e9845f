// Original file: protos/taskplane/v1/consumer_service.proto


export interface DeleteConsumerRequest {
  'consumerId'?: (string);
  'force'?: (boolean);
}

export interface DeleteConsumerRequest__Output {
  'consumerId': (string);
  'force': (boolean);
}
