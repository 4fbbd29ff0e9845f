import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp';
import type { AuditEvent as _taskplane_v1_AuditEvent, AuditEvent__Output as _taskplane_v1_AuditEvent__Output } from './taskplane/v1/AuditEvent';
import type { AuditServiceClient as _taskplane_v1_AuditServiceClient, AuditServiceDefinition as _taskplane_v1_AuditServiceDefinition } from './taskplane/v1/AuditService';
import type { CreateTokenRequest as _taskplane_v1_CreateTokenRequest, CreateTokenRequest__Output as _taskplane_v1_CreateTokenRequest__Output } from './taskplane/v1/CreateTokenRequest';
import type { CreateTokenResponse as _taskplane_v1_CreateTokenResponse, CreateTokenResponse__Output as _taskplane_v1_CreateTokenResponse__Output } from './taskplane/v1/CreateTokenResponse';
import type { ListAuditEventsRequest as _taskplane_v1_ListAuditEventsRequest, ListAuditEventsRequest__Output as _taskplane_v1_ListAuditEventsRequest__Output } from './taskplane/v1/ListAuditEventsRequest';
import type { ListAuditEventsResponse as _taskplane_v1_ListAuditEventsResponse, ListAuditEventsResponse__Output as _taskplane_v1_ListAuditEventsResponse__Output } from './taskplane/v1/ListAuditEventsResponse';
import type { ListTokensRequest as _taskplane_v1_ListTokensRequest, ListTokensRequest__Output as _taskplane_v1_ListTokensRequest__Output } from './taskplane/v1/ListTokensRequest';
import type { ListTokensResponse as _taskplane_v1_ListTokensResponse, ListTokensResponse__Output as _taskplane_v1_ListTokensResponse__Output } from './taskplane/v1/ListTokensResponse';
import type { RevokeTokenRequest as _taskplane_v1_RevokeTokenRequest, RevokeTokenRequest__Output as _taskplane_v1_RevokeTokenRequest__Output } from './taskplane/v1/RevokeTokenRequest';
import type { RevokeTokenResponse as _taskplane_v1_RevokeTokenResponse, RevokeTokenResponse__Output as _taskplane_v1_RevokeTokenResponse__Output } from './taskplane/v1/RevokeTokenResponse';
import type { Token as _taskplane_v1_Token, Token__Output as _taskplane_v1_Token__Output } from './taskplane/v1/Token';
import type { TokenServiceClient as _taskplane_v1_TokenServiceClient, TokenServiceDefinition as _taskplane_v1_TokenServiceDefinition } from './taskplane/v1/TokenService';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
  taskplane: {
    v1: {
      AuditEvent: MessageTypeDefinition<_taskplane_v1_AuditEvent, _taskplane_v1_AuditEvent__Output>
      AuditService: SubtypeConstructor<typeof grpc.Client, _taskplane_v1_AuditServiceClient> & { service: _taskplane_v1_AuditServiceDefinition }
      CreateTokenRequest: MessageTypeDefinition<_taskplane_v1_CreateTokenRequest, _taskplane_v1_CreateTokenRequest__Output>
      CreateTokenResponse: MessageTypeDefinition<_taskplane_v1_CreateTokenResponse, _taskplane_v1_CreateTokenResponse__Output>
      ListAuditEventsRequest: MessageTypeDefinition<_taskplane_v1_ListAuditEventsRequest, _taskplane_v1_ListAuditEventsRequest__Output>
      ListAuditEventsResponse: MessageTypeDefinition<_taskplane_v1_ListAuditEventsResponse, _taskplane_v1_ListAuditEventsResponse__Output>
      ListTokensRequest: MessageTypeDefinition<_taskplane_v1_ListTokensRequest, _taskplane_v1_ListTokensRequest__Output>
      ListTokensResponse: MessageTypeDefinition<_taskplane_v1_ListTokensResponse, _taskplane_v1_ListTokensResponse__Output>
      RevokeTokenRequest: MessageTypeDefinition<_taskplane_v1_RevokeTokenRequest, _taskplane_v1_RevokeTokenRequest__Output>
      RevokeTokenResponse: MessageTypeDefinition<_taskplane_v1_RevokeTokenResponse, _taskplane_v1_RevokeTokenResponse__Output>
      Token: MessageTypeDefinition<_taskplane_v1_Token, _taskplane_v1_Token__Output>
      TokenRole: EnumTypeDefinition
      TokenService: SubtypeConstructor<typeof grpc.Client, _taskplane_v1_TokenServiceClient> & { service: _taskplane_v1_TokenServiceDefinition }
    }
  }
}

