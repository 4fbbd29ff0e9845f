// Original file: protos/taskplane/v1/consumer_service.proto


export interface ListConsumersRequest {
  'labelSelector'?: (string)[];
  'pageSize'?: (number);
  'pageToken'?: (string);
  'consumerIdPattern'?: (string);
}

export interface ListConsumersRequest__Output {
  'labelSelector': (string)[];
  'pageSize': (number);
  'pageToken': (string);
  'consumerIdPattern': (string);
}
