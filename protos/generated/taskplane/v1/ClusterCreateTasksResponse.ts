// Original file: protos/taskplane/v1/cluster_service.proto

import type { ClusterCreateRefusal as _taskplane_v1_ClusterCreateRefusal, ClusterCreateRefusal__Output as _taskplane_v1_ClusterCreateRefusal__Output } from '../../taskplane/v1/ClusterCreateRefusal';

export interface ClusterCreateTasksResponse {
  'handedOffTaskIds'?: (string)[];
  'refused'?: (_taskplane_v1_ClusterCreateRefusal)[];
}

export interface ClusterCreateTasksResponse__Output {
  'handedOffTaskIds': (string)[];
  'refused': (_taskplane_v1_ClusterCreateRefusal__Output)[];
}
