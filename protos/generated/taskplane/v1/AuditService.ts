// Original file: protos/taskplane/v1/security_service.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ListAuditEventsRequest as _taskplane_v1_ListAuditEventsRequest, ListAuditEventsRequest__Output as _taskplane_v1_ListAuditEventsRequest__Output } from '../../taskplane/v1/ListAuditEventsRequest';
import type { ListAuditEventsResponse as _taskplane_v1_ListAuditEventsResponse, ListAuditEventsResponse__Output as _taskplane_v1_ListAuditEventsResponse__Output } from '../../taskplane/v1/ListAuditEventsResponse';

export interface AuditServiceClient extends grpc.Client {
  ListAuditEvents(argument: _taskplane_v1_ListAuditEventsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ListAuditEventsResponse__Output>): grpc.ClientUnaryCall;
  ListAuditEvents(argument: _taskplane_v1_ListAuditEventsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_ListAuditEventsResponse__Output>): grpc.ClientUnaryCall;
  ListAuditEvents(argument: _taskplane_v1_ListAuditEventsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ListAuditEventsResponse__Output>): grpc.ClientUnaryCall;
  ListAuditEvents(argument: _taskplane_v1_ListAuditEventsRequest, callback: grpc.requestCallback<_taskplane_v1_ListAuditEventsResponse__Output>): grpc.ClientUnaryCall;
  listAuditEvents(argument: _taskplane_v1_ListAuditEventsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ListAuditEventsResponse__Output>): grpc.ClientUnaryCall;
  listAuditEvents(argument: _taskplane_v1_ListAuditEventsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_ListAuditEventsResponse__Output>): grpc.ClientUnaryCall;
  listAuditEvents(argument: _taskplane_v1_ListAuditEventsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ListAuditEventsResponse__Output>): grpc.ClientUnaryCall;
  listAuditEvents(argument: _taskplane_v1_ListAuditEventsRequest, callback: grpc.requestCallback<_taskplane_v1_ListAuditEventsResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface AuditServiceHandlers extends grpc.UntypedServiceImplementation {
  ListAuditEvents: grpc.handleUnaryCall<_taskplane_v1_ListAuditEventsRequest__Output, _taskplane_v1_ListAuditEventsResponse>;
  
}

export interface AuditServiceDefinition extends grpc.ServiceDefinition {
  ListAuditEvents: MethodDefinition<_taskplane_v1_ListAuditEventsRequest, _taskplane_v1_ListAuditEventsResponse, _taskplane_v1_ListAuditEventsRequest__Output, _taskplane_v1_ListAuditEventsResponse__Output>
}
