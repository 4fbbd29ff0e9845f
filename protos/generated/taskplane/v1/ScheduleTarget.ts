// Original file: protos/taskplane/v1/schedule_service.proto

import type { RolloutPolicy as _taskplane_v1_RolloutPolicy, RolloutPolicy__Output as _taskplane_v1_RolloutPolicy__Output } from '../../taskplane/v1/RolloutPolicy';

export interface ScheduleTarget {
  'consumerId'?: (string);
  'consumerSelector'?: (string)[];
  'rollout'?: (_taskplane_v1_RolloutPolicy | null);
  'consumerIdPattern'?: (string);
}

export interface ScheduleTarget__Output {
  'consumerId': (string);
  'consumerSelector': (string)[];
  'rollout': (_taskplane_v1_RolloutPolicy__Output | null);
  'consumerIdPattern': (string);
}
