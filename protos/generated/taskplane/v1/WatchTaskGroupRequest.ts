// Original file: protos/taskplane/v1/task_service.proto

import type { Long } from '@grpc/proto-loader';

export interface WatchTaskGroupRequest {
  'groupId'?: (string);
  'afterEventId'?: (number | string | Long);
}

export interface WatchTaskGroupRequest__Output {
  'groupId': (string);
  'afterEventId': (string);
}
