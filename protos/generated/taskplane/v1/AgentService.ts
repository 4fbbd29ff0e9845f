// Original file: protos/taskplane/v1/agent_service.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ConnectRequest as _taskplane_v1_ConnectRequest, ConnectRequest__Output as _taskplane_v1_ConnectRequest__Output } from '../../taskplane/v1/ConnectRequest';
import type { ConnectResponse as _taskplane_v1_ConnectResponse, ConnectResponse__Output as _taskplane_v1_ConnectResponse__Output } from '../../taskplane/v1/ConnectResponse';

export interface AgentServiceClient extends grpc.Client {
  Connect(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_taskplane_v1_ConnectRequest, _taskplane_v1_ConnectResponse__Output>;
  Connect(options?: grpc.CallOptions): grpc.ClientDuplexStream<_taskplane_v1_ConnectRequest, _taskplane_v1_ConnectResponse__Output>;
  connect(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_taskplane_v1_ConnectRequest, _taskplane_v1_ConnectResponse__Output>;
  connect(options?: grpc.CallOptions): grpc.ClientDuplexStream<_taskplane_v1_ConnectRequest, _taskplane_v1_ConnectResponse__Output>;
  
}

export interface AgentServiceHandlers extends grpc.UntypedServiceImplementation {
  Connect: grpc.handleBidiStreamingCall<_taskplane_v1_ConnectRequest__Output, _taskplane_v1_ConnectResponse>;
  
}

export interface AgentServiceDefinition extends grpc.ServiceDefinition {
  Connect: MethodDefinition<_taskplane_v1_ConnectRequest, _taskplane_v1_ConnectResponse, _taskplane_v1_ConnectRequest__Output, _taskplane_v1_ConnectResponse__Output>
}
