// Original file: protos/taskplane/v1/consumer_service.proto


export interface RevokeConsumerCredentialRequest {
  'consumerId'?: (string);
  'previousOnly'?: (boolean);
}

export interface RevokeConsumerCredentialRequest__Output {
  'consumerId': (string);
  'previousOnly': (boolean);
}
