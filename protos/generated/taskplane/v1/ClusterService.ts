// Original file: protos/taskplane/v1/cluster_service.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ClusterCreateTasksRequest as _taskplane_v1_ClusterCreateTasksRequest, ClusterCreateTasksRequest__Output as _taskplane_v1_ClusterCreateTasksRequest__Output } from '../../taskplane/v1/ClusterCreateTasksRequest';
import type { ClusterCreateTasksResponse as _taskplane_v1_ClusterCreateTasksResponse, ClusterCreateTasksResponse__Output as _taskplane_v1_ClusterCreateTasksResponse__Output } from '../../taskplane/v1/ClusterCreateTasksResponse';
import type { WakeRequest as _taskplane_v1_WakeRequest, WakeRequest__Output as _taskplane_v1_WakeRequest__Output } from '../../taskplane/v1/WakeRequest';
import type { WakeResponse as _taskplane_v1_WakeResponse, WakeResponse__Output as _taskplane_v1_WakeResponse__Output } from '../../taskplane/v1/WakeResponse';

export interface ClusterServiceClient extends grpc.Client {
  CreateTasks(argument: _taskplane_v1_ClusterCreateTasksRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ClusterCreateTasksResponse__Output>): grpc.ClientUnaryCall;
  CreateTasks(argument: _taskplane_v1_ClusterCreateTasksRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_ClusterCreateTasksResponse__Output>): grpc.ClientUnaryCall;
  CreateTasks(argument: _taskplane_v1_ClusterCreateTasksRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ClusterCreateTasksResponse__Output>): grpc.ClientUnaryCall;
  CreateTasks(argument: _taskplane_v1_ClusterCreateTasksRequest, callback: grpc.requestCallback<_taskplane_v1_ClusterCreateTasksResponse__Output>): grpc.ClientUnaryCall;
  createTasks(argument: _taskplane_v1_ClusterCreateTasksRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ClusterCreateTasksResponse__Output>): grpc.ClientUnaryCall;
  createTasks(argument: _taskplane_v1_ClusterCreateTasksRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taskplane_v1_ClusterCreateTasksResponse__Output>): grpc.ClientUnaryCall;
  createTasks(argument: _taskplane_v1_ClusterCreateTasksRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taskplane_v1_ClusterCreateTasksResponse__Output>): grpc.ClientUnaryCall;
  createTasks(argument: _taskplane_v1_ClusterCreateTasksRequest, callback: grpc.requestCallback<_taskplane_v1_ClusterCreateTasksResponse__Output>): grpc.ClientUnaryCall;
  
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
  CreateTasks: grpc.handleUnaryCall<_taskplane_v1_ClusterCreateTasksRequest__Output, _taskplane_v1_ClusterCreateTasksResponse>;
  
  Wake: grpc.handleUnaryCall<_taskplane_v1_WakeRequest__Output, _taskplane_v1_WakeResponse>;
  
}

export interface ClusterServiceDefinition extends grpc.ServiceDefinition {
  CreateTasks: MethodDefinition<_taskplane_v1_ClusterCreateTasksRequest, _taskplane_v1_ClusterCreateTasksResponse, _taskplane_v1_ClusterCreateTasksRequest__Output, _taskplane_v1_ClusterCreateTasksResponse__Output>
  Wake: MethodDefinition<_taskplane_v1_WakeRequest, _taskplane_v1_WakeResponse, _taskplane_v1_WakeRequest__Output, _taskplane_v1_WakeResponse__Output>
}
