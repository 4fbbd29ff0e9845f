// Original file: protos/taskplane/v1/task_service.proto

import type { Long } from '@grpc/proto-loader';

export interface WatchTaskRequest {
  'taskId'?: (string);
  'afterEventId'?: (number | string | Long);
}

export interface WatchTaskRequest__Output {
  'taskId': (string);
  'afterEventId': (string);
}
