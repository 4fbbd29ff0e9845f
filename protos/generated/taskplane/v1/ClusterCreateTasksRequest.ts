// Original file: protos/taskplane/v1/cluster_service.proto


export interface ClusterCreateTasksRequest {
  'fromServerId'?: (string);
  'format'?: (number);
  'createJson'?: (Buffer | Uint8Array | string);
}

export interface ClusterCreateTasksRequest__Output {
  'fromServerId': (string);
  'format': (number);
  'createJson': (Buffer);
}
