// Original file: protos/taskplane/v1/consumer_service.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DeleteConsumerRequest as _taskplane_v1_DeleteConsumerRequest, DeleteConsumerRequest__Output as _taskplane_v1_DeleteConsumerRequest__Output } from '../../taskplane/v1/DeleteConsumerRequest';
import type { DeleteConsumerResponse as _taskplane_v1_DeleteConsumerResponse, DeleteConsumerResponse__Output as _taskplane_v1_DeleteConsumerResponse__Output } from '../../taskplane/v1/DeleteConsumerResponse';
import type { GetConsumerRequest as _taskplane_v1_GetConsumerRequest, GetConsumerRequest__Output as _taskplane_v1_GetConsumerRequest__Output } from '../../taskplane/v1/GetConsumerRequest';
import type { GetConsumerResponse as _taskplane_v1_GetConsumerResponse, GetConsumerResponse__Output as _taskplane_v1_GetConsumerResponse__Output } from '../../taskplane/v1/GetConsumerResponse';
import type { GetConsumerTimelineRequest as _taskplane_v1_GetConsumerTimelineRequest, GetConsumerTimelineRequest__Output as _taskplane_v1_GetConsumerTimelineRequest__Output } from '../../taskplane/v1/GetConsumerTimelineRequest';
import type { GetConsumerTimelineResponse as _taskplane_v1_GetConsumerTimelineResponse, GetConsumerTimelineResponse__Output as _taskplane_v1_GetConsumerTimelineResponse__Output } from '../../taskplane/v1/GetConsumerTimelineResponse';
import type { ListConsumerHistoryRequest as _taskplane_v1_ListConsumerHistoryRequest, ListConsumerHistoryRequest__Output as _taskplane_v1_ListConsumerHistoryRequest__Output } from '../../taskplane/v1/ListConsumerHistoryRequest';
import type { ListConsumerHistoryResponse as _taskplane_v1_ListConsumerHistoryResponse, ListConsumerHistoryResponse__Output as _taskplane_v1_ListConsumerHistoryResponse__Output } from '../../taskplane/v1/ListConsumerHistoryResponse';
import type { ListConsumersRequest as _taskplane_v1_ListConsumersRequest, ListConsumersRequest__Output as _taskplane_v1_ListConsumersRequest__Output } from '../../taskplane/v1/ListConsumersRequest';
import type { ListConsumersResponse as _taskplane_v1_ListConsumersResponse, ListConsumersResponse__Output as _taskplane_v1_ListConsumersResponse__Output } from '../../taskplane/v1/ListConsumersResponse';
import type { RegisterConsumerRequest as _taskplane_v1_RegisterConsumerRequest, RegisterConsumerRequest__Output as _taskplane_v1_RegisterConsumerRequest__Output } from '../../taskplane/v1/RegisterConsumerRequest';
import type { RegisterConsumerResponse as _taskplane_v1_RegisterConsumerResponse, RegisterConsumerResponse__Output as _taskplane_v1_RegisterConsumerResponse__Output } from '../../taskplane/v1/RegisterConsumerResponse';
import type { RevokeConsumerCredentialRequest as _taskplane_v1_RevokeConsumerCredentialRequest, RevokeConsumerCredentialRequest__Output as _taskplane_v1_RevokeConsumerCredentialRequest__Output } from '../../taskplane/v1/RevokeConsumerCredentialRequest';
import type { RevokeConsumerCredentialResponse as _taskplane_v1_RevokeConsumerCredentialResponse, RevokeConsumerCredentialResponse__Output as _taskplane_v1_RevokeConsumerCredentialResponse__Output } from '../../taskplane/v1/RevokeConsumerCredentialResponse';
import type { RotateConsumerCredentialRequest as _taskplane_v1_RotateConsumerCredentialRequest, RotateConsumerCredentialRequest__Output as _taskplane_v1_RotateConsumerCredentialRequest__Output } from '../../taskplane/v1/RotateConsumerCredentialRequest';
import type { RotateConsumerCredentialResponse as _taskplane_v1_RotateConsumerCredentialResponse, RotateConsumerCredentialResponse__Output as _taskplane_v1_RotateConsumerCredentialResponse__Output } from '../../taskplane/v1/RotateConsumerCredentialResponse';

export interface ConsumerServiceClient extends grpc.Client {
  DeleteConsumer(argument: _taskplane_v1_DeleteConsumerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_DeleteConsumerResponse__Output>): grpc.ClientUnaryCall;
  DeleteConsumer(argument: _taskplane_v1_DeleteConsumerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_DeleteConsumerResponse__Output>): grpc.ClientUnaryCall;
  DeleteConsumer(argument: _taskplane_v1_DeleteConsumerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_DeleteConsumerResponse__Output>): grpc.ClientUnaryCall;
  DeleteConsumer(argument: _taskplane_v1_DeleteConsumerRequest, callback: grpc.requestCallback<_taskplane_v1_DeleteConsumerResponse__Output>): grpc.ClientUnaryCall;
  deleteConsumer(argument: _taskplane_v1_DeleteConsumerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_DeleteConsumerResponse__Output>): grpc.ClientUnaryCall;
  deleteConsumer(argument: _taskplane_v1_DeleteConsumerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_DeleteConsumerResponse__Output>): grpc.ClientUnaryCall;
  deleteConsumer(argument: _taskplane_v1_DeleteConsumerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_DeleteConsumerResponse__Output>): grpc.ClientUnaryCall;
  deleteConsumer(argument: _taskplane_v1_DeleteConsumerRequest, callback: grpc.requestCallback<_taskplane_v1_DeleteConsumerResponse__Output>): grpc.ClientUnaryCall;
  
  GetConsumer(argument: _taskplane_v1_GetConsumerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_GetConsumerResponse__Output>): grpc.ClientUnaryCall;
  GetConsumer(argument: _taskplane_v1_GetConsumerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_GetConsumerResponse__Output>): grpc.ClientUnaryCall;
  GetConsumer(argument: _taskplane_v1_GetConsumerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_GetConsumerResponse__Output>): grpc.ClientUnaryCall;
  GetConsumer(argument: _taskplane_v1_GetConsumerRequest, callback: grpc.requestCallback<_taskplane_v1_GetConsumerResponse__Output>): grpc.ClientUnaryCall;
  getConsumer(argument: _taskplane_v1_GetConsumerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_GetConsumerResponse__Output>): grpc.ClientUnaryCall;
  getConsumer(argument: _taskplane_v1_GetConsumerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_GetConsumerResponse__Output>): grpc.ClientUnaryCall;
  getConsumer(argument: _taskplane_v1_GetConsumerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_GetConsumerResponse__Output>): grpc.ClientUnaryCall;
  getConsumer(argument: _taskplane_v1_GetConsumerRequest, callback: grpc.requestCallback<_taskplane_v1_GetConsumerResponse__Output>): grpc.ClientUnaryCall;
  
  GetConsumerTimeline(argument: _taskplane_v1_GetConsumerTimelineRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_GetConsumerTimelineResponse__Output>): grpc.ClientUnaryCall;
  GetConsumerTimeline(argument: _taskplane_v1_GetConsumerTimelineRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_GetConsumerTimelineResponse__Output>): grpc.ClientUnaryCall;
  GetConsumerTimeline(argument: _taskplane_v1_GetConsumerTimelineRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_GetConsumerTimelineResponse__Output>): grpc.ClientUnaryCall;
  GetConsumerTimeline(argument: _taskplane_v1_GetConsumerTimelineRequest, callback: grpc.requestCallback<_taskplane_v1_GetConsumerTimelineResponse__Output>): grpc.ClientUnaryCall;
  getConsumerTimeline(argument: _taskplane_v1_GetConsumerTimelineRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_GetConsumerTimelineResponse__Output>): grpc.ClientUnaryCall;
  getConsumerTimeline(argument: _taskplane_v1_GetConsumerTimelineRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_GetConsumerTimelineResponse__Output>): grpc.ClientUnaryCall;
  getConsumerTimeline(argument: _taskplane_v1_GetConsumerTimelineRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_GetConsumerTimelineResponse__Output>): grpc.ClientUnaryCall;
  getConsumerTimeline(argument: _taskplane_v1_GetConsumerTimelineRequest, callback: grpc.requestCallback<_taskplane_v1_GetConsumerTimelineResponse__Output>): grpc.ClientUnaryCall;
  
  ListConsumerHistory(argument: _taskplane_v1_ListConsumerHistoryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ListConsumerHistoryResponse__Output>): grpc.ClientUnaryCall;
  ListConsumerHistory(argument: _taskplane_v1_ListConsumerHistoryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_ListConsumerHistoryResponse__Output>): grpc.ClientUnaryCall;
  ListConsumerHistory(argument: _taskplane_v1_ListConsumerHistoryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ListConsumerHistoryResponse__Output>): grpc.ClientUnaryCall;
  ListConsumerHistory(argument: _taskplane_v1_ListConsumerHistoryRequest, callback: grpc.requestCallback<_taskplane_v1_ListConsumerHistoryResponse__Output>): grpc.ClientUnaryCall;
  listConsumerHistory(argument: _taskplane_v1_ListConsumerHistoryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ListConsumerHistoryResponse__Output>): grpc.ClientUnaryCall;
  listConsumerHistory(argument: _taskplane_v1_ListConsumerHistoryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_ListConsumerHistoryResponse__Output>): grpc.ClientUnaryCall;
  listConsumerHistory(argument: _taskplane_v1_ListConsumerHistoryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ListConsumerHistoryResponse__Output>): grpc.ClientUnaryCall;
  listConsumerHistory(argument: _taskplane_v1_ListConsumerHistoryRequest, callback: grpc.requestCallback<_taskplane_v1_ListConsumerHistoryResponse__Output>): grpc.ClientUnaryCall;
  
  ListConsumers(argument: _taskplane_v1_ListConsumersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ListConsumersResponse__Output>): grpc.ClientUnaryCall;
  ListConsumers(argument: _taskplane_v1_ListConsumersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_ListConsumersResponse__Output>): grpc.ClientUnaryCall;
  ListConsumers(argument: _taskplane_v1_ListConsumersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ListConsumersResponse__Output>): grpc.ClientUnaryCall;
  ListConsumers(argument: _taskplane_v1_ListConsumersRequest, callback: grpc.requestCallback<_taskplane_v1_ListConsumersResponse__Output>): grpc.ClientUnaryCall;
  listConsumers(argument: _taskplane_v1_ListConsumersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ListConsumersResponse__Output>): grpc.ClientUnaryCall;
  listConsumers(argument: _taskplane_v1_ListConsumersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_ListConsumersResponse__Output>): grpc.ClientUnaryCall;
  listConsumers(argument: _taskplane_v1_ListConsumersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ListConsumersResponse__Output>): grpc.ClientUnaryCall;
  listConsumers(argument: _taskplane_v1_ListConsumersRequest, callback: grpc.requestCallback<_taskplane_v1_ListConsumersResponse__Output>): grpc.ClientUnaryCall;
  
  RegisterConsumer(argument: _taskplane_v1_RegisterConsumerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_RegisterConsumerResponse__Output>): grpc.ClientUnaryCall;
  RegisterConsumer(argument: _taskplane_v1_RegisterConsumerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_RegisterConsumerResponse__Output>): grpc.ClientUnaryCall;
  RegisterConsumer(argument: _taskplane_v1_RegisterConsumerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_RegisterConsumerResponse__Output>): grpc.ClientUnaryCall;
  RegisterConsumer(argument: _taskplane_v1_RegisterConsumerRequest, callback: grpc.requestCallback<_taskplane_v1_RegisterConsumerResponse__Output>): grpc.ClientUnaryCall;
  registerConsumer(argument: _taskplane_v1_RegisterConsumerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_RegisterConsumerResponse__Output>): grpc.ClientUnaryCall;
  registerConsumer(argument: _taskplane_v1_RegisterConsumerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_RegisterConsumerResponse__Output>): grpc.ClientUnaryCall;
  registerConsumer(argument: _taskplane_v1_RegisterConsumerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_RegisterConsumerResponse__Output>): grpc.ClientUnaryCall;
  registerConsumer(argument: _taskplane_v1_RegisterConsumerRequest, callback: grpc.requestCallback<_taskplane_v1_RegisterConsumerResponse__Output>): grpc.ClientUnaryCall;
  
  RevokeConsumerCredential(argument: _taskplane_v1_RevokeConsumerCredentialRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_RevokeConsumerCredentialResponse__Output>): grpc.ClientUnaryCall;
  RevokeConsumerCredential(argument: _taskplane_v1_RevokeConsumerCredentialRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_RevokeConsumerCredentialResponse__Output>): grpc.ClientUnaryCall;
  RevokeConsumerCredential(argument: _taskplane_v1_RevokeConsumerCredentialRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_RevokeConsumerCredentialResponse__Output>): grpc.ClientUnaryCall;
  RevokeConsumerCredential(argument: _taskplane_v1_RevokeConsumerCredentialRequest, callback: grpc.requestCallback<_taskplane_v1_RevokeConsumerCredentialResponse__Output>): grpc.ClientUnaryCall;
  revokeConsumerCredential(argument: _taskplane_v1_RevokeConsumerCredentialRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_RevokeConsumerCredentialResponse__Output>): grpc.ClientUnaryCall;
  revokeConsumerCredential(argument: _taskplane_v1_RevokeConsumerCredentialRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_RevokeConsumerCredentialResponse__Output>): grpc.ClientUnaryCall;
  revokeConsumerCredential(argument: _taskplane_v1_RevokeConsumerCredentialRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_RevokeConsumerCredentialResponse__Output>): grpc.ClientUnaryCall;
  revokeConsumerCredential(argument: _taskplane_v1_RevokeConsumerCredentialRequest, callback: grpc.requestCallback<_taskplane_v1_RevokeConsumerCredentialResponse__Output>): grpc.ClientUnaryCall;
  
  RotateConsumerCredential(argument: _taskplane_v1_RotateConsumerCredentialRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_RotateConsumerCredentialResponse__Output>): grpc.ClientUnaryCall;
  RotateConsumerCredential(argument: _taskplane_v1_RotateConsumerCredentialRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_RotateConsumerCredentialResponse__Output>): grpc.ClientUnaryCall;
  RotateConsumerCredential(argument: _taskplane_v1_RotateConsumerCredentialRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_RotateConsumerCredentialResponse__Output>): grpc.ClientUnaryCall;
  RotateConsumerCredential(argument: _taskplane_v1_RotateConsumerCredentialRequest, callback: grpc.requestCallback<_taskplane_v1_RotateConsumerCredentialResponse__Output>): grpc.ClientUnaryCall;
  rotateConsumerCredential(argument: _taskplane_v1_RotateConsumerCredentialRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_RotateConsumerCredentialResponse__Output>): grpc.ClientUnaryCall;
  rotateConsumerCredential(argument: _taskplane_v1_RotateConsumerCredentialRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_RotateConsumerCredentialResponse__Output>): grpc.ClientUnaryCall;
  rotateConsumerCredential(argument: _taskplane_v1_RotateConsumerCredentialRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_RotateConsumerCredentialResponse__Output>): grpc.ClientUnaryCall;
  rotateConsumerCredential(argument: _taskplane_v1_RotateConsumerCredentialRequest, callback: grpc.requestCallback<_taskplane_v1_RotateConsumerCredentialResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface ConsumerServiceHandlers extends grpc.UntypedServiceImplementation {
  DeleteConsumer: grpc.handleUnaryCall<_taskplane_v1_DeleteConsumerRequest__Output, _taskplane_v1_DeleteConsumerResponse>;
  
  GetConsumer: grpc.handleUnaryCall<_taskplane_v1_GetConsumerRequest__Output, _taskplane_v1_GetConsumerResponse>;
  
  GetConsumerTimeline: grpc.handleUnaryCall<_taskplane_v1_GetConsumerTimelineRequest__Output, _taskplane_v1_GetConsumerTimelineResponse>;
  
  ListConsumerHistory: grpc.handleUnaryCall<_taskplane_v1_ListConsumerHistoryRequest__Output, _taskplane_v1_ListConsumerHistoryResponse>;
  
  ListConsumers: grpc.handleUnaryCall<_taskplane_v1_ListConsumersRequest__Output, _taskplane_v1_ListConsumersResponse>;
  
  RegisterConsumer: grpc.handleUnaryCall<_taskplane_v1_RegisterConsumerRequest__Output, _taskplane_v1_RegisterConsumerResponse>;
  
  RevokeConsumerCredential: grpc.handleUnaryCall<_taskplane_v1_RevokeConsumerCredentialRequest__Output, _taskplane_v1_RevokeConsumerCredentialResponse>;
  
  RotateConsumerCredential: grpc.handleUnaryCall<_taskplane_v1_RotateConsumerCredentialRequest__Output, _taskplane_v1_RotateConsumerCredentialResponse>;
  
}

export interface ConsumerServiceDefinition extends grpc.ServiceDefinition {
  DeleteConsumer: MethodDefinition<_taskplane_v1_DeleteConsumerRequest, _taskplane_v1_DeleteConsumerResponse, _taskplane_v1_DeleteConsumerRequest__Output, _taskplane_v1_DeleteConsumerResponse__Output>
  GetConsumer: MethodDefinition<_taskplane_v1_GetConsumerRequest, _taskplane_v1_GetConsumerResponse, _taskplane_v1_GetConsumerRequest__Output, _taskplane_v1_GetConsumerResponse__Output>
  GetConsumerTimeline: MethodDefinition<_taskplane_v1_GetConsumerTimelineRequest, _taskplane_v1_GetConsumerTimelineResponse, _taskplane_v1_GetConsumerTimelineRequest__Output, _taskplane_v1_GetConsumerTimelineResponse__Output>
  ListConsumerHistory: MethodDefinition<_taskplane_v1_ListConsumerHistoryRequest, _taskplane_v1_ListConsumerHistoryResponse, _taskplane_v1_ListConsumerHistoryRequest__Output, _taskplane_v1_ListConsumerHistoryResponse__Output>
  ListConsumers: MethodDefinition<_taskplane_v1_ListConsumersRequest, _taskplane_v1_ListConsumersResponse, _taskplane_v1_ListConsumersRequest__Output, _taskplane_v1_ListConsumersResponse__Output>
  RegisterConsumer: MethodDefinition<_taskplane_v1_RegisterConsumerRequest, _taskplane_v1_RegisterConsumerResponse, _taskplane_v1_RegisterConsumerRequest__Output, _taskplane_v1_RegisterConsumerResponse__Output>
  RevokeConsumerCredential: MethodDefinition<_taskplane_v1_RevokeConsumerCredentialRequest, _taskplane_v1_RevokeConsumerCredentialResponse, _taskplane_v1_RevokeConsumerCredentialRequest__Output, _taskplane_v1_RevokeConsumerCredentialResponse__Output>
  RotateConsumerCredential: MethodDefinition<_taskplane_v1_RotateConsumerCredentialRequest, _taskplane_v1_RotateConsumerCredentialResponse, _taskplane_v1_RotateConsumerCredentialRequest__Output, _taskplane_v1_RotateConsumerCredentialResponse__Output>
}
