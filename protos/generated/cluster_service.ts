import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { ClusterCreateRefusal as _taskplane_v1_ClusterCreateRefusal, ClusterCreateRefusal__Output as _taskplane_v1_ClusterCreateRefusal__Output } from './taskplane/v1/ClusterCreateRefusal';
import type { ClusterCreateTasksRequest as _taskplane_v1_ClusterCreateTasksRequest, ClusterCreateTasksRequest__Output as _taskplane_v1_ClusterCreateTasksRequest__Output } from './taskplane/v1/ClusterCreateTasksRequest';
import type { ClusterCreateTasksResponse as _taskplane_v1_ClusterCreateTasksResponse, ClusterCreateTasksResponse__Output as _taskplane_v1_ClusterCreateTasksResponse__Output } from './taskplane/v1/ClusterCreateTasksResponse';
import type { ClusterServiceClient as _taskplane_v1_ClusterServiceClient, ClusterServiceDefinition as _taskplane_v1_ClusterServiceDefinition } from './taskplane/v1/ClusterService';
import type { WakeRequest as _taskplane_v1_WakeRequest, WakeRequest__Output as _taskplane_v1_WakeRequest__Output } from './taskplane/v1/WakeRequest';
import type { WakeResponse as _taskplane_v1_WakeResponse, WakeResponse__Output as _taskplane_v1_WakeResponse__Output } from './taskplane/v1/WakeResponse';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  taskplane: {
    v1: {
      ClusterCreateRefusal: MessageTypeDefinition<_taskplane_v1_ClusterCreateRefusal, _taskplane_v1_ClusterCreateRefusal__Output>
      ClusterCreateTasksRequest: MessageTypeDefinition<_taskplane_v1_ClusterCreateTasksRequest, _taskplane_v1_ClusterCreateTasksRequest__Output>
      ClusterCreateTasksResponse: MessageTypeDefinition<_taskplane_v1_ClusterCreateTasksResponse, _taskplane_v1_ClusterCreateTasksResponse__Output>
      ClusterService: SubtypeConstructor<typeof grpc.Client, _taskplane_v1_ClusterServiceClient> & { service: _taskplane_v1_ClusterServiceDefinition }
      WakeRequest: MessageTypeDefinition<_taskplane_v1_WakeRequest, _taskplane_v1_WakeRequest__Output>
      WakeResponse: MessageTypeDefinition<_taskplane_v1_WakeResponse, _taskplane_v1_WakeResponse__Output>
    }
  }
}

