// Original file: protos/taskplane/v1/consumer_service.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Task as _taskplane_v1_Task, Task__Output as _taskplane_v1_Task__Output } from '../../taskplane/v1/Task';
import type { HistoryEvent as _taskplane_v1_HistoryEvent, HistoryEvent__Output as _taskplane_v1_HistoryEvent__Output } from '../../taskplane/v1/HistoryEvent';
import type { UpcomingFire as _taskplane_v1_UpcomingFire, UpcomingFire__Output as _taskplane_v1_UpcomingFire__Output } from '../../taskplane/v1/UpcomingFire';

export interface TimelineEntry {
  'time'?: (_google_protobuf_Timestamp | null);
  'task'?: (_taskplane_v1_Task | null);
  'historyEvent'?: (_taskplane_v1_HistoryEvent | null);
  'upcomingFire'?: (_taskplane_v1_UpcomingFire | null);
  'entry'?: "task"|"historyEvent"|"upcomingFire";
}

export interface TimelineEntry__Output {
  'time': (_google_protobuf_Timestamp__Output | null);
  'task'?: (_taskplane_v1_Task__Output | null);
  'historyEvent'?: (_taskplane_v1_HistoryEvent__Output | null);
  'upcomingFire'?: (_taskplane_v1_UpcomingFire__Output | null);
  'entry'?: "task"|"historyEvent"|"upcomingFire";
}
