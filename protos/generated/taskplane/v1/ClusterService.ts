// Original file: protos/taskplane/v1/cluster_service.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { WakeRequest as _taskplane_v1_WakeRequest, WakeRequest__Output as _taskplane_v1_WakeRequest__Output } from '../../taskplane/v1/WakeRequest';
import type { WakeResponse as _taskplane_v1_WakeResponse, WakeResponse__Output as _taskplane_v1_WakeResponse__Output } from '../../taskplane/v1/WakeResponse';

export interface ClusterServiceClient extends grpc.Client {
  Wake(argument: _taskplane_v1_WakeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_WakeResponse__Output>): grpc.ClientUnaryCall;
  Wake(argument: _taskplane_v1_WakeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_WakeResponse__Output>): grpc.ClientUnaryCall;
  Wake(argument: _taskplane_v1_WakeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_WakeResponse__Output>): grpc.ClientUnaryCall;
  Wake(argument: _taskplane_v1_WakeRequest, callback: grpc.requestCallback<_taskplane_v1_WakeResponse__Output>): grpc.ClientUnaryCall;
  wake(argument: _taskplane_v1_WakeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_WakeResponse__Output>): grpc.ClientUnaryCall;
  wake(argument: _taskplane_v1_WakeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_WakeResponse__Output>): grpc.ClientUnaryCall;
  wake(argument: _taskplane_v1_WakeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_WakeResponse__Output>): grpc.ClientUnaryCall;
  wake(argument: _taskplane_v1_WakeRequest, callback: grpc.requestCallback<_taskplane_v1_WakeResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface ClusterServiceHandlers extends grpc.UntypedServiceImplementation {
  Wake: grpc.handleUnaryCall<_taskplane_v1_WakeRequest__Output, _taskplane_v1_WakeResponse>;
  
}

export interface ClusterServiceDefinition extends grpc.ServiceDefinition {
  Wake: MethodDefinition<_taskplane_v1_WakeRequest, _taskplane_v1_WakeResponse, _taskplane_v1_WakeRequest__Output, _taskplane_v1_WakeResponse__Output>
}
