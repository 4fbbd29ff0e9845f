// Original file: protos/taskplane/v1/consumer_service.proto

import type { TimelineEntry as _taskplane_v1_TimelineEntry, TimelineEntry__Output as _taskplane_v1_TimelineEntry__Output } from '../../taskplane/v1/TimelineEntry';

export interface GetConsumerTimelineResponse {
  'entries'?: (_taskplane_v1_TimelineEntry)[];
  'olderPageToken'?: (string);
  'newerPageToken'?: (string);
}

export interface GetConsumerTimelineResponse__Output {
  'entries': (_taskplane_v1_TimelineEntry__Output)[];
  'olderPageToken': (string);
  'newerPageToken': (string);
}
