// Original file: protos/taskplane/v1/cluster_service.proto


export interface WakeRequest {
  'fromServerId'?: (string);
  'workConsumerIds'?: (string)[];
  'cancelConsumerIds'?: (string)[];
}

export interface WakeRequest__Output {
  'fromServerId': (string);
  'workConsumerIds': (string)[];
  'cancelConsumerIds': (string)[];
}
