// Original file: protos/taskplane/v1/security_service.proto


export interface ListTokensRequest {
  'includeInactive'?: (boolean);
  'pageSize'?: (number);
  'pageToken'?: (string);
}

export interface ListTokensRequest__Output {
  'includeInactive': (boolean);
  'pageSize': (number);
  'pageToken': (string);
}
