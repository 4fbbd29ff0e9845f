// Original file: protos/taskplane/v1/security_service.proto


export interface RevokeTokenRequest {
  'tokenId'?: (string);
}

export interface RevokeTokenRequest__Output {
  'tokenId': (string);
}
