// Original file: protos/taskplane/v1/cluster_service.proto


export interface ClusterCreateTasksResponse {
  'handedOffTaskIds'?: (string)[];
}

export interface ClusterCreateTasksResponse__Output {
  'handedOffTaskIds': (string)[];
}
