// Original file: protos/taskplane/v1/agent_service.proto

import type { ServerWelcome as _taskplane_v1_ServerWelcome, ServerWelcome__Output as _taskplane_v1_ServerWelcome__Output } from '../../taskplane/v1/ServerWelcome';
import type { TaskRequest as _taskplane_v1_TaskRequest, TaskRequest__Output as _taskplane_v1_TaskRequest__Output } from '../../taskplane/v1/TaskRequest';
import type { TaskCancellation as _taskplane_v1_TaskCancellation, TaskCancellation__Output as _taskplane_v1_TaskCancellation__Output } from '../../taskplane/v1/TaskCancellation';
import type { ReplyAck as _taskplane_v1_ReplyAck, ReplyAck__Output as _taskplane_v1_ReplyAck__Output } from '../../taskplane/v1/ReplyAck';
import type { Heartbeat as _taskplane_v1_Heartbeat, Heartbeat__Output as _taskplane_v1_Heartbeat__Output } from '../../taskplane/v1/Heartbeat';

export interface ConnectResponse {
  'welcome'?: (_taskplane_v1_ServerWelcome | null);
  'taskRequest'?: (_taskplane_v1_TaskRequest | null);
  'cancellation'?: (_taskplane_v1_TaskCancellation | null);
  'replyAck'?: (_taskplane_v1_ReplyAck | null);
  'heartbeat'?: (_taskplane_v1_Heartbeat | null);
  'message'?: "welcome"|"taskRequest"|"cancellation"|"replyAck"|"heartbeat";
}

export interface ConnectResponse__Output {
  'welcome'?: (_taskplane_v1_ServerWelcome__Output | null);
  'taskRequest'?: (_taskplane_v1_TaskRequest__Output | null);
  'cancellation'?: (_taskplane_v1_TaskCancellation__Output | null);
  'replyAck'?: (_taskplane_v1_ReplyAck__Output | null);
  'heartbeat'?: (_taskplane_v1_Heartbeat__Output | null);
  'message'?: "welcome"|"taskRequest"|"cancellation"|"replyAck"|"heartbeat";
}
