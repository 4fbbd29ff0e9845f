// Original file: protos/taskplane/v1/cluster_service.proto


export interface ClusterCreateRefusal {
  'taskId'?: (string);
  'code'?: (string);
  'message'?: (string);
}

export interface ClusterCreateRefusal__Output {
  'taskId': (string);
  'code': (string);
  'message': (string);
}
